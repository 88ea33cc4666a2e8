import type { DecideContext } from '../context';
import type { CaseEvent } from '../events';
import { cmd, context, fold, given, history, openCase } from '../test-support';
import { DK_YOUTH_PACK } from './dk-youth';
import { evaluateHistory } from './evaluate';
import {
  entryAt,
  overridesAt,
  resolveRulesAt,
  validateMunicipalSettings,
  type MunicipalSettingsEntry,
  type MunicipalSettingsTimeline,
} from './municipal-settings';
import type { MunicipalityOverrides } from './types';

const AARHUS = '461';
const YOUTH_BORN = '2010-05-10';

const entry = (effectiveFrom: string, settings: MunicipalityOverrides): MunicipalSettingsEntry => ({
  effectiveFrom,
  settings,
  recordedAt: '2026-11-01T09:00:00.000Z',
  by: 'admin-key',
});

const receive = (occurredAt: string, documentationId: string) =>
  cmd(
    'RecordPoliceDocumentation',
    { documentationId, kind: 'interview-invitation', offenceCategories: ['violence'] },
    occurredAt,
  );

/** The case's context at `now`, with Aarhus's recorded settings. */
const withSettings = (now: string, timeline: MunicipalSettingsTimeline): DecideContext => ({
  ...context(now, AARHUS),
  municipalSettings: { [AARHUS]: timeline },
});

const opened = (): CaseEvent[] => history([openCase(YOUTH_BORN, '2020-01-01T09:00:00.000Z', AARHUS)], AARHUS);

describe('municipal settings at run time: which entry applies', () => {
  const timeline = [
    entry('2027-01-01', { rollForward: ['NSR-CONVENE'] }),
    entry('2026-12-01', { aftercareProcessingDays: 14 }),
    entry('2027-01-01', { rollForward: 'all' }),
  ];

  it('before the first entry the compiled pack applies', () => {
    expect(overridesAt({ name: 'Aarhus', aftercareProcessingDays: 20 }, timeline, '2026-11-30')).toEqual({
      name: 'Aarhus',
      aftercareProcessingDays: 20,
    });
  });

  it('an entry replaces the settings as a whole (the compiled processing time is gone), keeping only the name', () => {
    expect(overridesAt({ name: 'Aarhus', aftercareProcessingDays: 20 }, timeline, '2026-12-31')).toEqual({
      name: 'Aarhus',
      aftercareProcessingDays: 14,
    });
  });

  it('of two entries from the same date, the one recorded last wins, whatever the order of their dates', () => {
    expect(entryAt(timeline, '2027-06-01')?.settings).toEqual({ rollForward: 'all' });
  });

  it('resolves the rules of the day, keeping the compiled pack object', () => {
    const rules = resolveRulesAt(DK_YOUTH_PACK, AARHUS, timeline, '2026-12-15');
    expect(rules.aftercareProcessingDays).toBe(14);
    expect(rules.pack).toBe(DK_YOUTH_PACK);
    expect(resolveRulesAt(DK_YOUTH_PACK, AARHUS, timeline, '2026-11-15').aftercareProcessingDays).toBe(30);
  });
});

describe('municipal settings at run time: obligations', () => {
  it('a setting changed today does not change an obligation opened yesterday', () => {
    // Given police documentation received on Saturday 28 November 2026, under the pack's settings: NSR-CONVENE
    // due at the end of Saturday 5 December, not rolled.
    const yesterday = '2026-11-28T10:00:00.000Z';
    const before = [
      ...opened(),
      ...given(opened()).when(receive(yesterday, 'doc-1'), context(yesterday, AARHUS)).events,
    ];
    const openedYesterday = fold(before).obligations['NSR-CONVENE:documentation:doc-1'];
    expect(openedYesterday.dueAt).toBe('2026-12-05T23:00:00.000Z');

    // When an admin today turns roll-forward on for NSR-CONVENE from today, and a second documentation arrives.
    const today = '2026-11-29T10:00:00.000Z';
    const timeline = [entry('2026-11-29', { rollForward: ['NSR-CONVENE'] })];
    const outcome = given(before).when(receive(today, 'doc-2'), withSettings(today, timeline));

    // Then the new documentation's obligation rolls from Sunday 6 to Monday 7 December...
    expect(outcome.opened('NSR-CONVENE')).toEqual([
      expect.objectContaining({ obligationId: 'NSR-CONVENE:documentation:doc-2', dueDate: '2026-12-07' }),
    ]);
    // ... and yesterday's keeps its due: no event touches it, and its breach comes at the recorded due.
    const after = fold([...before, ...outcome.events]);
    expect(after.obligations['NSR-CONVENE:documentation:doc-1']).toEqual(openedYesterday);
    const breachAt = '2026-12-06T00:00:00.000Z';
    expect(
      given([...before, ...outcome.events])
        .when(
          cmd('CheckObligation', { obligationId: 'NSR-CONVENE:documentation:doc-1' }, breachAt),
          withSettings(breachAt, timeline),
        )
        .types(),
    ).toEqual(['ObligationBreached']);
  });

  it('a fact dated before the effective date uses the old settings; on or after it, the new ones (by local date)', () => {
    const timeline = [entry('2026-12-01', { rollForward: ['NSR-CONVENE'] })];
    // 23:30 UTC on 29 November is 00:30 on Monday 30 November in Copenhagen: still before the entry.
    const beforeIt = '2026-11-29T23:30:00.000Z';
    const [old] = given(opened())
      .when(receive(beforeIt, 'doc-1'), withSettings(beforeIt, timeline))
      .opened('NSR-CONVENE');
    expect(old).toMatchObject({ dueDate: '2026-12-07', rolledDueDate: null });

    // Saturday 5 December 2026: due Saturday 12 December, rolled to Monday 14 December.
    const onIt = '2026-12-05T10:00:00.000Z';
    const [rolled] = given(opened())
      .when(receive(onIt, 'doc-1'), withSettings(onIt, timeline))
      .opened('NSR-CONVENE');
    expect(rolled).toMatchObject({ strictDueDate: '2026-12-12', dueDate: '2026-12-14' });

    // 23:30 UTC on 30 November is already 1 December in Copenhagen: the new settings apply.
    const localMidnight = '2026-11-30T23:30:00.000Z';
    const [first] = given(opened())
      .when(receive(localMidnight, 'doc-1'), withSettings(localMidnight, timeline))
      .opened('NSR-CONVENE');
    expect(first).toMatchObject({ strictDueDate: '2026-12-08', dueDate: '2026-12-08' });
  });

  it('roll-forward is per rule: a rule the entry does not name keeps its strict due', () => {
    const timeline = [entry('2026-12-01', { rollForward: ['NSR-HOLD'] })];
    const onIt = '2026-12-05T10:00:00.000Z';
    const [strict] = given(opened())
      .when(receive(onIt, 'doc-1'), withSettings(onIt, timeline))
      .opened('NSR-CONVENE');
    expect(strict).toMatchObject({ dueDate: '2026-12-12', rolledDueDate: null });
  });

  it('an extra non-working day (24 December) moves a rolled due past Christmas', () => {
    // Thursday 17 December 2026: NSR-CONVENE due Thursday 24 December.
    const at = '2026-12-17T10:00:00.000Z';
    const plain = [entry('2026-12-01', { rollForward: ['NSR-CONVENE'] })];
    const [workingDay] = given(opened())
      .when(receive(at, 'doc-1'), withSettings(at, plain))
      .opened('NSR-CONVENE');
    expect(workingDay).toMatchObject({ dueDate: '2026-12-24' });

    const christmasEve = [
      entry('2026-12-01', { rollForward: ['NSR-CONVENE'], extraNonWorkingDays: ['christmas-eve'] }),
    ];
    const [moved] = given(opened())
      .when(receive(at, 'doc-1'), withSettings(at, christmasEve))
      .opened('NSR-CONVENE');
    // 25 and 26 December are holidays, 27 December a Sunday.
    expect(moved).toMatchObject({ strictDueDate: '2026-12-24', dueDate: '2026-12-28' });
  });

  it('the AC-DECIDE processing time of the entry in effect on the request date applies', () => {
    const timeline = [entry('2026-12-01', { aftercareProcessingDays: 10 })];
    const openedFor = history([openCase('2004-05-10', '2020-01-01T09:00:00.000Z', AARHUS)], AARHUS);
    const at = '2026-12-02T10:00:00.000Z';
    const [decide] = given(openedFor)
      .when(cmd('RequestAftercare', { requestId: 'r-1' }, at), withSettings(at, timeline))
      .opened('AC-DECIDE');
    expect(decide).toMatchObject({ dueDate: '2026-12-12' });
  });

  it("the auditor's re-evaluation shows what a setting would have changed; the recorded obligation keeps its due", () => {
    // Given an NSR-CONVENE opened on Saturday 28 November under the pack's settings (due Saturday 5 December).
    const at = '2026-11-28T10:00:00.000Z';
    const events = [...opened(), ...given(opened()).when(receive(at, 'doc-1'), context(at, AARHUS)).events];
    // When an admin records roll-forward effective from 1 November, after the fact.
    const timeline = [entry('2026-11-01', { rollForward: ['NSR-CONVENE'] })];
    const now = '2026-12-10T10:00:00.000Z';
    // Then the case keeps the due it was opened with, and the re-evaluation under the timeline shows Monday.
    expect(fold(events).obligations['NSR-CONVENE:documentation:doc-1'].dueDate).toBe('2026-12-05');
    const recorded = evaluateHistory(events, DK_YOUTH_PACK, null, now);
    const whatIf = evaluateHistory(events, DK_YOUTH_PACK, null, now, { [AARHUS]: timeline });
    const convene = (evaluation: typeof recorded) =>
      evaluation.obligations.find((o) => o.obligationId === 'NSR-CONVENE:documentation:doc-1');
    expect(convene(recorded)).toMatchObject({ dueDate: '2026-12-05' });
    expect(convene(whatIf)).toMatchObject({ dueDate: '2026-12-07', strictDueAt: '2026-12-05T23:00:00.000Z' });
    // The same under a pinned municipality ("what if Aarhus's settings").
    expect(
      convene(evaluateHistory(events, DK_YOUTH_PACK, AARHUS, now, { [AARHUS]: timeline })),
    ).toMatchObject({
      dueDate: '2026-12-07',
    });
  });

  it("a municipal standard (CP-STATUS) is switched on or off from the entry's date", () => {
    const youth = '2008-04-01';
    const decided = (code: string) =>
      history(
        [
          openCase(youth, '2020-01-01T09:00:00.000Z', code),
          cmd('DecideContactPerson', { measureId: 'm-1' }, '2026-11-02T10:00:00.000Z'),
        ],
        code,
      );
    const start = (at: string) => cmd('StartContactPerson', { measureId: 'm-1' }, at);
    const at = '2026-12-02T10:00:00.000Z';
    // Switched on in Aarhus from 1 December: a measure started on 2 December opens its status statement.
    const on = { [AARHUS]: [entry('2026-12-01', { municipalStandardRules: ['CP-STATUS'] })] };
    expect(
      given(decided(AARHUS))
        .when(start(at), { ...context(at, AARHUS), municipalSettings: on })
        .opened('CP-STATUS'),
    ).toEqual([expect.objectContaining({ dueDate: '2027-06-02' })]);
    // Esbjerg has it on in the compiled pack; an entry without it switches it off (replace, not patch).
    const off = { '561': [entry('2026-12-01', { rollForward: ['NSR-CONVENE'] })] };
    expect(
      given(decided('561'))
        .when(start(at), { ...context(at, '561'), municipalSettings: off })
        .opened('CP-STATUS'),
    ).toEqual([]);
    expect(given(decided('561')).when(start(at), context(at, '561')).opened('CP-STATUS')).toHaveLength(1);
  });

  it('the NSR-REOFFENCE assessment due and warning leads of the entry resolve as the deciders read them', () => {
    const timeline = [
      entry('2026-12-01', { dueDays: { 'NSR-REOFFENCE': 14 }, warningLeadDays: { 'NSR-CONVENE': 4 } }),
    ];
    const rules = resolveRulesAt(DK_YOUTH_PACK, AARHUS, timeline, '2026-12-01');
    expect(rules.dueDays['NSR-REOFFENCE']).toBe(14);
    expect(rules.warningLeadDays['NSR-CONVENE']).toBe(4);
    expect(
      resolveRulesAt(DK_YOUTH_PACK, AARHUS, timeline, '2026-11-30').dueDays['NSR-REOFFENCE'],
    ).toBeUndefined();
  });

  it("another municipality's timeline does not apply to the case", () => {
    const at = '2026-12-05T10:00:00.000Z';
    const ctx = {
      ...context(at, AARHUS),
      municipalSettings: { '101': [entry('2026-12-01', { rollForward: 'all' as const })] },
    };
    const [strict] = given(opened()).when(receive(at, 'doc-1'), ctx).opened('NSR-CONVENE');
    expect(strict).toMatchObject({ dueDate: '2026-12-12' });
  });
});

describe('municipal settings: what an admin may record', () => {
  const today = '2026-12-01';
  const valid = (input: Record<string, unknown>) => validateMunicipalSettings(input, DK_YOUTH_PACK, today);
  const refusal = (input: Record<string, unknown>) => {
    const result = valid(input);
    if (result.ok) throw new Error(`expected a refusal of ${JSON.stringify(input)}`);
    return { field: result.error.field, code: result.error.code };
  };

  it('takes every kind of setting, with warning leads as days or ISO-8601 durations', () => {
    expect(
      valid({
        effectiveFrom: '2027-01-01',
        rollForward: ['NSR-CONVENE', 'NSR-CONVENE'],
        extraNonWorkingDays: ['06-05', '2027-12-24', '12-31'],
        aftercareProcessingDays: 21,
        municipalStandardRules: ['CP-STATUS'],
        warningLeads: { 'NSR-CONVENE': 'P3D', 'NSR-HOLD': 'P1W', 'AC-DECIDE': 'PT48H', 'CP-PLAN': 5 },
        reoffenceAssessmentDays: 14,
      }),
    ).toEqual({
      ok: true,
      value: {
        effectiveFrom: '2027-01-01',
        settings: {
          rollForward: ['NSR-CONVENE'],
          extraNonWorkingDays: ['constitution-day', 'christmas-eve', 'new-years-eve'],
          aftercareProcessingDays: 21,
          municipalStandardRules: ['CP-STATUS'],
          warningLeadDays: { 'NSR-CONVENE': 3, 'NSR-HOLD': 7, 'AC-DECIDE': 2, 'CP-PLAN': 5 },
          dueDays: { 'NSR-REOFFENCE': 14 },
        },
      },
    });
  });

  it.each([
    [{ rollForward: 'all' }, 'effectiveFrom', 'required'],
    [{ effectiveFrom: '2027-02-30' }, 'effectiveFrom', 'invalid-date'],
    [{ effectiveFrom: '1900-01-01' }, 'effectiveFrom', 'effective-date-out-of-range'],
    [{ effectiveFrom: '2027-12-02' }, 'effectiveFrom', 'effective-date-out-of-range'],
    [{ effectiveFrom: '2027-01-01', rollForward: ['NSR-NOPE'] }, 'rollForward[0]', 'unknown-rule'],
    [{ effectiveFrom: '2027-01-01', rollForward: 'some' }, 'rollForward', 'invalid-type'],
    [
      { effectiveFrom: '2027-01-01', extraNonWorkingDays: ['12-25'] },
      'extraNonWorkingDays[0]',
      'invalid-non-working-day',
    ],
    [{ effectiveFrom: '2027-01-01', aftercareProcessingDays: 0 }, 'aftercareProcessingDays', 'out-of-range'],
    [
      { effectiveFrom: '2027-01-01', aftercareProcessingDays: 366 },
      'aftercareProcessingDays',
      'out-of-range',
    ],
    [
      { effectiveFrom: '2027-01-01', aftercareProcessingDays: 10.5 },
      'aftercareProcessingDays',
      'out-of-range',
    ],
    [
      { effectiveFrom: '2027-01-01', municipalStandardRules: ['NSR-CONVENE'] },
      'municipalStandardRules[0]',
      'not-a-municipal-standard',
    ],
    [
      { effectiveFrom: '2027-01-01', warningLeads: { 'NSR-HOLD': 'PT5H' } },
      'warningLeads.NSR-HOLD',
      'invalid-warning-lead',
    ],
    [
      { effectiveFrom: '2027-01-01', warningLeads: { 'NSR-HOLD': 61 } },
      'warningLeads.NSR-HOLD',
      'invalid-warning-lead',
    ],
    [{ effectiveFrom: '2027-01-01', warningLeads: { NOPE: 2 } }, 'warningLeads.NOPE', 'unknown-rule'],
    [{ effectiveFrom: '2027-01-01', reoffenceAssessmentDays: 91 }, 'reoffenceAssessmentDays', 'out-of-range'],
  ])('refuses %j, naming %s (%s)', (input, field, code) => {
    expect(refusal(input)).toEqual({ field, code });
  });
});
