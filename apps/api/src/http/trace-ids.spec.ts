import { correlationIdFrom, requestIdFrom, safeTraceId } from './trace-ids';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('safeTraceId', () => {
  it.each([
    ['a UUID', '0b9e6a32-6b1e-4d0f-9d3c-1a2b3c4d5e6f'],
    ['a dotted token', 'integration-run.42'],
    ['a colon-separated token', 'sys:batch_7:item-3'],
    ['one character', 'x'],
    ['128 characters', 'a'.repeat(128)],
    // ee662748-0390-… came from a CI run: a UUID is an id, whatever its digits read like.
    ['a UUID whose digits read like a CPR number', 'ee662748-0390-57fb-9ac1-c61b3ee816ec'],
    ['nine digits', 'job-123456789'],
    ['eleven digits', 'job-12345678901'],
  ])('keeps %s', (_what, value) => {
    expect(safeTraceId(value)).toBe(value);
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['129 characters', 'a'.repeat(129)],
    ['a space', 'has spaces'],
    ['a slash', 'a/b'],
    ['a newline (header or log injection)', 'a\nb'],
    ['a quote', 'a"b'],
    ['non-ASCII', 'sag-ø'],
    ['a header sent twice', ['a', 'b']],
    ['a CPR number', '0103104123'],
    ['a CPR number with a hyphen', '010310-4123'],
    ['a CPR number inside a token', 'req-0103104123-x'],
    ['a CPR number with a dotted date', '01.03.10-4123'],
    ['a CPR number with a dotted date and no dash', '01.03.104123'],
    ['a CPR number beside a UUID', '0b9e6a32-6b1e-4d0f-9d3c-1a2b3c4d5e6f:010310-4123'],
    ['any ten digits in a row', 'x9999999999'],
  ])('refuses %s', (_what, value) => {
    expect(safeTraceId(value)).toBeUndefined();
  });
});

describe('requestIdFrom', () => {
  it("takes the caller's X-Request-Id when it is safe", () => {
    expect(requestIdFrom({ 'x-request-id': 'integration-run.42' })).toBe('integration-run.42');
  });

  it('generates a UUID when there is none, or when it is not safe to echo, log and store', () => {
    expect(requestIdFrom({})).toMatch(UUID);
    const replaced = requestIdFrom({ 'x-request-id': '010310-4123' });
    expect(replaced).toMatch(UUID);
    expect(replaced).not.toContain('4123');
    expect(requestIdFrom({ 'x-request-id': 'has spaces' })).toMatch(UUID);
  });

  it('generates a new one for each request', () => {
    expect(requestIdFrom({})).not.toBe(requestIdFrom({}));
  });
});

describe('correlationIdFrom', () => {
  it("takes the caller's X-Correlation-Id when it is safe", () => {
    expect(correlationIdFrom({ 'x-correlation-id': 'order-7:step.2' }, 'req-1')).toBe('order-7:step.2');
  });

  it('is the request id when the header is absent or unsafe, never the unsafe value', () => {
    expect(correlationIdFrom({}, 'req-1')).toBe('req-1');
    expect(correlationIdFrom({ 'x-correlation-id': '010310-4123' }, 'req-1')).toBe('req-1');
    expect(correlationIdFrom({ 'x-correlation-id': 'a'.repeat(200) }, 'req-1')).toBe('req-1');
  });
});
