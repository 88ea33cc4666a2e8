import fc from 'fast-check';
import { addDays, startOfLocalDay } from '../calendar';
import { birthday } from '../people';
import { cmd, context, given, history, openCase } from '../test-support';
import { DK_YOUTH_PACK, DK_YOUTH_PACK_2026_1 } from './dk-youth';
import { dueFor } from './due-for';
import { isNeverRolled, resolveRules, rollsForward } from './resolve';
import type { MunicipalityOverrides, RulePack } from './types';

/** Every roll-forward setting a municipality can have, as one municipality each. */
const SETTINGS: Readonly<Record<string, MunicipalityOverrides>> = {
  '901': {},
  '902': { rollForward: ['AC-END'] },
  '903': { rollForward: 'all' },
  '904': { rollForward: 'all', extraNonWorkingDays: ['constitution-day', 'christmas-eve', 'new-years-eve'] },
  '905': { rollForward: ['AC-END', 'AC-ASSESS'], extraNonWorkingDays: ['new-years-eve'] },
};
const withSettings = (pack: RulePack): RulePack => ({ ...pack, municipalities: SETTINGS });
const PACKS = [withSettings(DK_YOUTH_PACK), withSettings(DK_YOUTH_PACK_2026_1)];

/** Birth dates whose 23rd birthday is a DST change, a holiday, a weekend, or that are 29 February. */
const EDGE_BIRTH_DATES = [
  '2004-02-29', // 23rd birthday 1 March 2027 (march-1 rule)
  '2008-02-29',
  '2002-03-30', // 30 March 2025: spring DST change, a Sunday
  '2002-10-26', // 26 October 2025: autumn DST change, a Sunday
  '2003-12-25', // Christmas Day 2026
  '2003-12-24', // Christmas Eve 2026 (an extra non-working day in 904)
  '2003-06-05', // Grundlovsdag 2026
  '2002-01-01', // New Year's Day 2025
  '2003-04-05', // Easter Sunday 2026
];

const birthDateArb = fc.oneof(
  fc.constantFrom(...EDGE_BIRTH_DATES),
  fc.integer({ min: 0, max: 365 * 25 }).map((days) => addDays('1995-01-01', days)),
);

/** Grants aftercare from the 18th birthday, decided that day at 10:00 local, and returns the AC-END opened. */
function acEndOpened(birthDate: string, pack: RulePack, municipality: string) {
  const turns18 = birthday(birthDate, 18, pack.leapDayBirthdayRule);
  const decidedAt = new Date(Date.parse(startOfLocalDay(turns18)) + 10 * 3_600_000).toISOString();
  const openedAt = new Date(Date.parse(startOfLocalDay(turns18)) + 9 * 3_600_000).toISOString();
  const opened = history([openCase(birthDate, openedAt, municipality)], municipality, pack);
  const grant = cmd('GrantAftercare', { aftercareId: 'a-1', startDate: turns18 }, decidedAt);
  return given(opened)
    .when(grant, context(decidedAt, municipality, pack))
    .opened('AC-END')[0];
}

jest.setTimeout(60_000);

describe('AC-END is the start of the 23rd birthday and is never rolled forward', () => {
  it('under every roll-forward setting and pack, AC-END is due at exactly 00:00 Copenhagen on the 23rd birthday', () => {
    fc.assert(
      fc.property(
        birthDateArb,
        fc.constantFrom(...Object.keys(SETTINGS)),
        fc.constantFrom(0, 1),
        (birthDate, municipality, packIndex) => {
          const pack = PACKS[packIndex];
          const turns23 = birthday(birthDate, 23, pack.leapDayBirthdayRule);
          const acEnd = acEndOpened(birthDate, pack, municipality);
          expect(acEnd).toMatchObject({ ruleId: 'AC-END', rolledDueAt: null, rolledDueDate: null });
          expect(Date.parse(acEnd.dueAt as string)).toBeLessThanOrEqual(Date.parse(startOfLocalDay(turns23)));
          expect(acEnd.dueAt).toBe(startOfLocalDay(turns23));
          expect(acEnd.dueDate).toBe(addDays(turns23, -1));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('the calculator (CLI `due`, GET /v1/rules) agrees: no rolled due for AC-END in any municipality', () => {
    fc.assert(
      fc.property(birthDateArb, fc.constantFrom(...Object.keys(SETTINGS)), (birthDate, municipality) => {
        const pack = PACKS[0];
        const turns23 = birthday(birthDate, 23, pack.leapDayBirthdayRule);
        // Triggered on the 18th birthday, so the due is never clamped to the trigger's own day.
        const from = startOfLocalDay(birthday(birthDate, 18, pack.leapDayBirthdayRule));
        const result = dueFor({ ruleId: 'AC-END', from, municipality, birthDate }, pack);
        expect(result).toMatchObject({ ok: true, value: { rolledDueAt: null } });
        if (result.ok) expect(result.value.strictDueAt).toBe(startOfLocalDay(turns23));
      }),
      { numRuns: 200 },
    );
  });

  it('given roll-forward for all rules, when the 23rd birthday is Christmas Day, AC-END still ends at its start', () => {
    const acEnd = acEndOpened('2003-12-25', PACKS[0], '904');
    // 00:00 CET on 25 December 2026 is 23:00 UTC the day before; rolling would have moved it to 28 December.
    expect(acEnd).toMatchObject({
      dueAt: '2026-12-24T23:00:00.000Z',
      dueDate: '2026-12-24',
      rolledDueAt: null,
    });
  });

  it('the other rules still roll forward where the municipality says so: only AC-END and instant dues are exempt', () => {
    const rules = resolveRules(PACKS[0], '903');
    const rolled = PACKS[0].rules.filter((rule) => rollsForward(rule, rules)).map((r) => r.ruleId);
    expect(rolled).toContain('NSR-CONVENE');
    expect(rolled).toContain('BFU-COMPLETE');
    expect(rolled).not.toContain('AC-END');
    expect(rolled).not.toContain('UNDERRETNING-ASSESS');
    expect(
      PACKS[0].rules
        .filter(isNeverRolled)
        .map((r) => r.ruleId)
        .sort(),
    ).toEqual(['AC-END', 'AC-END', 'UNDERRETNING-ASSESS', 'UNDERRETNING-ASSESS']);
  });
});
