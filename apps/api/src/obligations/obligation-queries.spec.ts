import { HttpException } from '@nestjs/common';
import { OPEN_STATES } from '@fristvagt/projections';
import type { Principal } from '../access/principal';
import { InputValidationPipe } from '../problems/input-validation';
import { ObligationFiltersDto, ObligationsQueryDto, toUtcInstant } from './dto/obligations-query.dto';
import { obligationFilter } from './obligation-queries';

const pipe = new InputValidationPipe();
const parse = (query: Record<string, unknown>, metatype: new () => object = ObligationsQueryDto) =>
  pipe.transform(query, { type: 'query', metatype }) as Promise<ObligationsQueryDto>;

const principal = (municipalities: Principal['municipalities']): Principal => ({
  keyId: 'k1',
  role: 'supervisor',
  municipalities,
});

async function refusal(query: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
  try {
    await parse(query);
  } catch (error) {
    if (error instanceof HttpException) return { status: error.getStatus(), body: error.getResponse() };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('the obligation query parameters', () => {
  it('reads lists repeated or comma-separated, and integers from digits', async () => {
    const query = await parse({
      municipality: ['461', '101,851'],
      rule: 'NSR-CONVENE,NSR-HOLD',
      state: ['open'],
      limit: '25',
      wait: '0',
    });

    expect(query).toMatchObject({
      municipality: ['461', '101', '851'],
      rule: ['NSR-CONVENE', 'NSR-HOLD'],
      state: ['open'],
      limit: 25,
      wait: 0,
    });
  });

  it('names the one parameter at fault, with its stable code', async () => {
    expect(await refusal({ rule: 'NSR-CONVENE,NOPE' })).toEqual({
      status: 400,
      body: {
        code: 'unknown-rule',
        field: 'rule',
        detail: expect.stringContaining('rule must be a rule id'),
        errors: [{ field: 'rule', code: 'unknown-rule', detail: expect.any(String) }],
      },
    });
    expect(await refusal({ limit: 'x' })).toMatchObject({ body: { code: 'invalid-type', field: 'limit' } });
    expect(await refusal({ limit: '-3' })).toMatchObject({ body: { code: 'out-of-range', field: 'limit' } });
  });

  it('never repeats a refused value in the message', async () => {
    const { body } = await refusal({ caseId: 'secret-value', state: 'secret-state' });

    expect(JSON.stringify(body)).not.toContain('secret');
  });

  it('takes instants with Z or an offset, to the millisecond, and hands them on in UTC', () => {
    expect(toUtcInstant('2026-04-01T00:00:00Z')).toBe('2026-04-01T00:00:00.000Z');
    expect(toUtcInstant('2026-04-01T00:00:00.5+02:00')).toBe('2026-03-31T22:00:00.500Z');
    expect(toUtcInstant('2026-10-25T02:30:00-01:30')).toBe('2026-10-25T04:00:00.000Z');
    for (const bad of [
      '2026-04-01',
      '2026-04-01T00:00Z',
      '2026-04-01T00:00:00',
      '2026-04-01T00:00:00 02:00',
      '2026-04-01T00:00:00+2',
      '2026-04-01T00:00:00.0001Z',
      '2026-02-29T00:00:00Z',
      '2026-04-01t00:00:00z',
      ['2026-04-01T00:00:00Z'],
    ]) {
      expect({ bad, utc: toUtcInstant(bad) }).toEqual({ bad, utc: undefined });
    }
  });

  it('gives the summary no paging', async () => {
    await expect(parse({ limit: '5' }, ObligationFiltersDto)).rejects.toMatchObject({
      response: { code: 'unknown-field', field: 'limit' },
    });
  });
});

describe('the filter of an obligation query', () => {
  it("is the caller's municipalities and the open states when nothing is asked", () => {
    expect(obligationFilter({}, principal(['461', '101']))).toEqual({
      municipalities: ['461', '101'],
      states: OPEN_STATES,
    });
    expect(obligationFilter({}, principal('*'))).toEqual({ municipalities: null, states: OPEN_STATES });
  });

  it('narrows to the municipalities asked for within the scope, each once', () => {
    expect(
      obligationFilter({ municipality: ['101', '101'] }, principal(['461', '101'])).municipalities,
    ).toEqual(['101']);
    expect(obligationFilter({ municipality: ['851'] }, principal('*')).municipalities).toEqual(['851']);
  });

  it('refuses a municipality outside the scope with 403, naming the parameter', () => {
    let thrown: unknown;
    try {
      obligationFilter({ municipality: ['461', '101'] }, principal(['461']));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HttpException);
    expect((thrown as HttpException).getStatus()).toBe(403);
    expect((thrown as HttpException).getResponse()).toMatchObject({
      code: 'municipality-out-of-scope',
      field: 'municipality',
    });
  });

  it('hands on instants in UTC and the case id in lower case', () => {
    expect(
      obligationFilter(
        {
          dueAfter: '2026-04-01T00:00:00+02:00',
          dueBefore: '2026-04-30T23:59:59Z',
          caseId: '0B6F3C1E-9F4A-5D2B-8C1E-2A7D4E6F8A90',
          rule: ['NSR-HOLD', 'NSR-HOLD'],
          state: ['waived'],
        },
        principal(['461']),
      ),
    ).toEqual({
      municipalities: ['461'],
      ruleIds: ['NSR-HOLD'],
      states: ['waived'],
      dueAfter: '2026-03-31T22:00:00.000Z',
      dueBefore: '2026-04-30T23:59:59.000Z',
      caseId: '0b6f3c1e-9f4a-5d2b-8c1e-2a7d4e6f8a90',
    });
  });
});
