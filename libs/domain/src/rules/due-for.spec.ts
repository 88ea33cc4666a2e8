import { describeDue } from './describe-due';
import { DK_YOUTH_PACK } from './dk-youth';
import { dueFor, type DueForInput } from './due-for';
import type { RulePack } from './types';

const at = (input: Partial<DueForInput> & Pick<DueForInput, 'ruleId' | 'from'>, pack = DK_YOUTH_PACK) =>
  dueFor({ municipality: null, ...input }, pack);

describe('dueFor', () => {
  it('NSR-CONVENE is due at the end of the 7th local day after receipt, across the spring DST change', () => {
    expect(at({ ruleId: 'NSR-CONVENE', from: '2025-03-25T10:00:00Z' })).toEqual({
      ok: true,
      value: {
        ruleId: 'NSR-CONVENE',
        variant: 'barnets-lov',
        strictDueAt: '2025-04-01T22:00:00.000Z',
        rolledDueAt: null,
        localDueDate: '2025-04-01',
        basis: 'statute',
        citation:
          'Barnets lov, chapter 15 (dømte unge og unge i risiko for at begå kriminalitet, §§ 127-131); section number to verify',
        citationVerified: false,
        rulePack: { id: 'dk-youth', version: '2026.2' },
      },
    });
  });

  it('picks the variant by the local date of the trigger: 2023-12-31T23:30Z falls under Barnets lov', () => {
    const result = at({ ruleId: 'NSR-CONVENE', from: '2023-12-31T23:30:00Z' });
    expect(result).toMatchObject({ ok: true, value: { variant: 'barnets-lov', localDueDate: '2024-01-08' } });
    const before = at({ ruleId: 'NSR-CONVENE', from: '2023-12-31T22:30:00Z' });
    expect(before).toMatchObject({ ok: true, value: { variant: 'sel-57c', localDueDate: '2024-01-07' } });
  });

  it('AC-ASSESS counts 6 months back from the 18th birthday, clamped to the month end', () => {
    const result = at({ ruleId: 'AC-ASSESS', from: '2020-01-06T10:00:00Z', birthDate: '2010-08-31' });
    expect(result).toMatchObject({ ok: true, value: { localDueDate: '2028-02-29' } });
  });

  it("AC-DECIDE uses the municipality's processing time", () => {
    const pack: RulePack = {
      ...DK_YOUTH_PACK,
      municipalities: { '461': { name: 'Odense', aftercareProcessingDays: 10 } },
    };
    const odense = at({ ruleId: 'AC-DECIDE', from: '2025-03-25T10:00:00Z', municipality: '461' }, pack);
    const elsewhere = at({ ruleId: 'AC-DECIDE', from: '2025-03-25T10:00:00Z', municipality: '751' }, pack);
    expect(odense).toMatchObject({ ok: true, value: { localDueDate: '2025-04-04' } });
    expect(elsewhere).toMatchObject({ ok: true, value: { localDueDate: '2025-04-24' } });
  });

  it('rolls the due forward to the next working day where the municipality says so, keeping the strict one', () => {
    const pack: RulePack = { ...DK_YOUTH_PACK, municipalities: { '461': { rollForward: ['NSR-CONVENE'] } } };
    // Received Saturday 2025-04-12: day 7 is Saturday 19 April, rolled past Easter Monday to Tuesday 22 April.
    const result = at({ ruleId: 'NSR-CONVENE', from: '2025-04-12T10:00:00Z', municipality: '461' }, pack);
    expect(result).toMatchObject({
      ok: true,
      value: {
        strictDueAt: '2025-04-19T22:00:00.000Z',
        rolledDueAt: '2025-04-22T22:00:00.000Z',
        localDueDate: '2025-04-22',
      },
    });
  });

  it('NSR-PLAN has no due by statute', () => {
    expect(at({ ruleId: 'NSR-PLAN', from: '2025-03-25T10:00:00Z' })).toMatchObject({
      ok: true,
      value: { strictDueAt: null, rolledDueAt: null, localDueDate: null },
    });
  });

  it.each([
    [{ ruleId: 'NSR-NOPE', from: '2025-03-25T10:00:00Z' }, 'unknown-rule', 'ruleId'],
    [{ ruleId: 'NSR-CONVENE', from: '2025-03-25' }, 'invalid-instant', 'from'],
    [{ ruleId: 'NSR-CONVENE', from: '2025-03-25T10:00:00+01:00' }, 'invalid-instant', 'from'],
    [
      { ruleId: 'NSR-CONVENE', from: '2025-03-25T10:00:00Z', municipality: '46' },
      'invalid-municipality',
      'municipality',
    ],
    [
      { ruleId: 'AC-END', from: '2025-03-25T10:00:00Z', birthDate: '2025-02-30' },
      'invalid-date',
      'birthDate',
    ],
    [{ ruleId: 'NSR-CONVENE', from: '2010-03-25T10:00:00Z' }, 'rule-not-in-effect', 'from'],
    [{ ruleId: 'AC-END', from: '2025-03-25T10:00:00Z' }, 'birth-date-required', 'birthDate'],
  ] as const)('refuses %j with %s naming %s', (input, code, field) => {
    const result = at(input);
    expect(result).toMatchObject({ ok: false, error: { kind: 'domain-error', code, field } });
  });

  it.each([
    // The last local day the calendar holds; + 7 days would be in year 10000.
    [{ ruleId: 'NSR-CONVENE', from: '9999-12-30T10:00:00Z' }, 'from'],
    // Local date 10000-01-01 already.
    [{ ruleId: 'NSR-CONVENE', from: '9999-12-31T23:30:00Z' }, 'from'],
    [{ ruleId: 'CP-PLAN', from: '9999-12-20T10:00:00Z' }, 'from'],
    [{ ruleId: 'AC-END', from: '2025-03-25T10:00:00Z', birthDate: '9990-01-01' }, 'birthDate'],
  ] as const)(
    'refuses %j, whose due falls after 9999-12-31, as instant-out-of-range naming %s',
    (input, field) => {
      expect(at(input)).toMatchObject({ ok: false, error: { code: 'instant-out-of-range', field } });
    },
  );

  it('refuses a due to roll forward where the holiday table ends (2100) instead of throwing', () => {
    const pack: RulePack = { ...DK_YOUTH_PACK, municipalities: { '461': { rollForward: ['NSR-CONVENE'] } } };
    const result = at({ ruleId: 'NSR-CONVENE', from: '2101-03-25T10:00:00Z', municipality: '461' }, pack);
    expect(result).toMatchObject({ ok: false, error: { code: 'instant-out-of-range', field: 'from' } });
    expect(at({ ruleId: 'NSR-CONVENE', from: '2101-03-25T10:00:00Z' })).toMatchObject({ ok: true });
  });

  it('never echoes the rule id it does not know (it could be anything a client typed)', () => {
    const result = at({ ruleId: '010203-1234', from: '2025-03-25T10:00:00Z' });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('010203');
  });

  it('UNDERRETNING-ASSESS is due 24 real hours after receipt, across the autumn DST change, with no rolled due', () => {
    expect(at({ ruleId: 'UNDERRETNING-ASSESS', from: '2025-10-25T10:00:00Z' })).toMatchObject({
      ok: true,
      value: {
        variant: 'barnets-lov-136',
        strictDueAt: '2025-10-26T10:00:00.000Z',
        rolledDueAt: null,
        localDueDate: '2025-10-26',
      },
    });
  });

  it('BFU-COMPLETE counts 4 months; UNGEPLAN needs a birth date and counts from the later of decision and 16th birthday', () => {
    expect(at({ ruleId: 'BFU-COMPLETE', from: '2024-10-31T10:00:00Z' })).toMatchObject({
      ok: true,
      value: { localDueDate: '2025-02-28' },
    });
    expect(at({ ruleId: 'UNGEPLAN', from: '2025-01-15T10:00:00Z' })).toMatchObject({
      ok: false,
      error: { code: 'birth-date-required', field: 'birthDate' },
    });
    expect(at({ ruleId: 'UNGEPLAN', from: '2025-01-15T10:00:00Z', birthDate: '2011-08-31' })).toMatchObject({
      ok: true,
      value: { localDueDate: '2027-11-30' },
    });
  });

  it('says which pack a rule is not in effect in', () => {
    const result = at({ ruleId: 'NSR-CONVENE', from: '2010-03-25T10:00:00Z' });
    expect(!result.ok && result.error.message).toBe(
      'NSR-CONVENE is not in effect on 2010-03-25 in pack dk-youth 2026.2',
    );
  });
});

describe('describeDue', () => {
  it('says every kind of due in plain terms', () => {
    expect(describeDue({ kind: 'days-after', days: 7 })).toBe('end of local day (trigger date + 7 days)');
    expect(describeDue({ kind: 'before-birthday', age: 23 })).toBe(
      'end of the local day before the 23rd birthday (00:00 on the birthday; never rolled forward)',
    );
    expect(describeDue({ kind: 'months-before-birthday', age: 18, months: 6 })).toBe(
      'end of local day (18th birthday − 6 months, clamped to month end)',
    );
    for (const rule of DK_YOUTH_PACK.rules) expect(describeDue(rule.due).length).toBeGreaterThan(3);
  });
});
