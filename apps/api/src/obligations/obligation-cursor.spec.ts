import { decodeCursor, encodeCursor } from './obligation-cursor';

const CURSOR = {
  dueSort: '2026-04-01T21:59:59.999000Z',
  caseId: '0b6f3c1e-9f4a-5d2b-8c1e-2a7d4e6f8a90',
  obligationId: 'NSR-CONVENE:documentation:pol-2026-0042',
};

const encode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

describe('the obligations cursor', () => {
  it('is base64url of the keyset and decodes to it again', () => {
    const token = encodeCursor(CURSOR);

    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))).toEqual(CURSOR);
    expect(decodeCursor(token)).toEqual(CURSOR);
  });

  it("carries an obligation without a due as 'infinity', where the read model sorts it", () => {
    const cursor = { ...CURSOR, dueSort: 'infinity' };

    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it.each([
    ['not a string', 42],
    ['empty', ''],
    ['not base64url', 'abc+/='],
    ['not JSON', Buffer.from('{dueSort').toString('base64url')],
    ['JSON null', encode(null)],
    ['an array', encode([CURSOR.dueSort, CURSOR.caseId, CURSOR.obligationId])],
    ['a missing key', encode({ dueSort: CURSOR.dueSort, caseId: CURSOR.caseId })],
    ['an extra key', encode({ ...CURSOR, limit: 5 })],
    [
      'another key order',
      encode({ caseId: CURSOR.caseId, dueSort: CURSOR.dueSort, obligationId: CURSOR.obligationId }),
    ],
    ['a due that is not the read model’s format', encode({ ...CURSOR, dueSort: '2026-04-01T21:59:59Z' })],
    ['an impossible due date', encode({ ...CURSOR, dueSort: '2026-02-30T00:00:00.000000Z' })],
    ['SQL in the due', encode({ ...CURSOR, dueSort: "infinity'; DROP TABLE x; --" })],
    ['a case id that is not a UUID', encode({ ...CURSOR, caseId: 'case-1' })],
    ['an upper-case case id', encode({ ...CURSOR, caseId: CURSOR.caseId.toUpperCase() })],
    ['an empty obligation id', encode({ ...CURSOR, obligationId: '' })],
    ['a number for an id', encode({ ...CURSOR, obligationId: 7 })],
    ['standard base64 with padding', `${Buffer.from(JSON.stringify(CURSOR)).toString('base64')}==`],
    ['a trailing character', `${encodeCursor(CURSOR)}A`],
    ['too long', 'A'.repeat(2_000)],
  ])('refuses %s', (_why, token) => {
    expect(decodeCursor(token)).toBeUndefined();
  });

  it('accepts a changed cursor only where it is the exact encoding of another keyset', () => {
    const token = encodeCursor(CURSOR);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < token.length; i++) {
      for (const replacement of ['A', 'z', '_']) {
        if (replacement === token[i] || !alphabet.includes(replacement)) continue;
        const changed = `${token.slice(0, i)}${replacement}${token.slice(i + 1)}`;
        const decoded = decodeCursor(changed);
        if (decoded !== undefined) expect(encodeCursor(decoded)).toBe(changed);
      }
    }
  });
});
