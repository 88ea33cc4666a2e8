import fc from 'fast-check';
import { addDays, addYears, localDateOf } from './calendar';
import type { CaseCommand } from './commands';
import { decideCase } from './decider';
import type { CaseEvent, ObligationOpened } from './events';
import { DK_YOUTH_PACK } from './rules/dk-youth';
import type { RulePack } from './rules/types';
import { foldCaseEvents } from './evolve';
import { initialCaseState } from './state';
import { canonical, cmd, context, fold, given, openCase } from './test-support';

const FROM = Date.UTC(1990, 0, 1);
const TO = Date.UTC(2040, 11, 31);
const instantArb = fc.integer({ min: FROM, max: TO }).map((ms) => new Date(ms).toISOString());

const PACK: RulePack = {
  ...DK_YOUTH_PACK,
  municipalities: {
    ...DK_YOUTH_PACK.municipalities,
    '999': {
      rollForward: 'all',
      extraNonWorkingDays: ['christmas-eve', 'new-years-eve', 'constitution-day'],
    },
    '998': {
      aftercareProcessingDays: 1,
      dueDays: { 'NSR-PLAN': 0, 'NSR-REOFFENCE': 3 },
      municipalStandardRules: ['CP-STATUS'],
    },
  },
};

jest.setTimeout(60_000);

describe('NSR-CONVENE over random instants 1990-2040', () => {
  it('is due at the end of exactly the receipt local date + 7 (PRELIM-PLAN the same before 2014-10-01)', () => {
    fc.assert(
      fc.property(instantArb, (receivedAt) => {
        const receiptDate = localDateOf(receivedAt);
        const birthDate = addYears(receiptDate, -12);
        // Facts before the pack's first rule are refused by default; allowed here to see that none opens.
        const ctx = { ...context(receivedAt), earliestFactDate: '1900-01-01' };
        const events = given([]).when(openCase(birthDate, receivedAt), ctx).events;
        const opened = given(events)
          .when(
            cmd(
              'RecordPoliceDocumentation',
              { documentationId: 'd', kind: 'other', offenceCategories: ['other'] },
              receivedAt,
            ),
            ctx,
          )
          .opened();
        const expectedRule =
          receiptDate >= '2014-10-01' ? 'NSR-CONVENE' : receiptDate >= '1998-07-01' ? 'PRELIM-PLAN' : null;
        expect(opened.map((o) => o.ruleId)).toEqual(expectedRule === null ? [] : [expectedRule]);
        for (const o of opened) {
          expect(o.dueDate).toBe(addDays(receiptDate, 7));
          expect(localDateOf(o.dueAt as string)).toBe(addDays(receiptDate, 8));
          expect(Date.parse(o.dueAt as string)).toBeGreaterThan(Date.parse(receivedAt));
        }
      }),
      { numRuns: 300 },
    );
  });
});

/** A random but plausible case history: commands at increasing random times, refusals skipped. */
const scenarioArb = fc.record({
  // The youth is born before the case opens, and no fact is dated before the pack's first rule (1998-07-01).
  birthMs: fc.integer({ min: Date.UTC(1985, 0, 1), max: Date.UTC(2030, 0, 1) }),
  startMs: fc.integer({ min: Date.UTC(1998, 6, 1), max: Date.UTC(2038, 0, 1) }),
  municipality: fc.constantFrom('101', '561', '999', '998'),
  steps: fc.array(
    fc.record({
      gapHours: fc.integer({ min: 0, max: 24 * 200 }),
      kind: fc.integer({ min: 0, max: 15 }),
      n: fc.integer({ min: 1, max: 3 }),
    }),
    { minLength: 1, maxLength: 25 },
  ),
});

function commandFor(kind: number, n: number, at: string): CaseCommand {
  const id = String(n);
  switch (kind) {
    case 0:
      return cmd(
        'RecordPoliceDocumentation',
        { documentationId: `d${at.slice(0, 10)}${id}`, kind: 'youth-list', offenceCategories: ['robbery'] },
        at,
      );
    case 1:
      return cmd(
        'ConveneCouncil',
        { councilId: `c${id}`, invitees: [{ role: 'youth' }], meetingDate: addDays(localDateOf(at), 3) },
        at,
      );
    case 2:
      return cmd('RecordCouncilHeld', { councilId: `c${id}`, participants: [], agreements: [] }, at);
    case 3:
      return cmd('AdoptPlan', { planId: `p${at}`.replace(/[:]/g, '') }, at);
    case 4:
      return cmd('DecideContactPerson', { measureId: `m${id}`, planRequired: n !== 2 }, at);
    case 5:
      return cmd('StartContactPerson', { measureId: `m${id}` }, at);
    case 6:
      return cmd('RecordFollowUp', { measureId: `m${id}`, nextIntervalMonths: n === 3 ? null : n + 1 }, at);
    case 7:
      return cmd('SubmitStatusStatement', { measureId: `m${id}`, youthOwnWords: 'Det går godt' }, at);
    case 8:
      return cmd('EndContactPerson', { measureId: `m${id}`, reason: 'goal-met' }, at);
    case 9:
      return cmd('StartPlacement', { placementId: `pl${id}` }, at);
    case 10:
      return cmd('EndPlacement', { placementId: `pl${id}` }, at);
    case 11:
      return cmd('RequestAftercare', { requestId: `r${at.slice(0, 10)}${id}` }, at);
    case 12:
      return cmd('GrantAftercare', { aftercareId: `a${id}`, startDate: localDateOf(at) }, at);
    case 13:
      return cmd('AssessAftercare', { offered: n === 1, content: 'x', reasoning: 'y' }, at);
    case 14:
      return cmd('RevisePlan', { planId: 'p', reason: 're-offence' }, at);
    default:
      return cmd('TransferCase', { toMunicipality: ['101', '561', '999'][n - 1] }, at);
  }
}

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function play(scenario: Scenario) {
  const birthDate = localDateOf(new Date(Math.min(scenario.birthMs, scenario.startMs)).toISOString());
  let t = scenario.startMs;
  const events: CaseEvent[] = [];
  const decideAt = (command: CaseCommand, nowMs: number) => {
    const result = decideCase(
      command,
      fold(events),
      context(new Date(nowMs).toISOString(), scenario.municipality, PACK),
    );
    if (result.ok) events.push(...result.value);
  };
  decideAt(openCase(birthDate, new Date(t).toISOString(), scenario.municipality), t);
  for (const step of scenario.steps) {
    t += step.gapHours * 3600_000;
    const at = new Date(t).toISOString();
    // Some facts are posted late (now after occurredAt) to exercise open-and-breach at once.
    decideAt(commandFor(step.kind, step.n, at), t + (step.n === 3 ? 40 * 86400_000 : 0));
    if (step.kind % 4 === 0)
      decideAt(
        cmd('CheckObligation', { obligationId: Object.keys(fold(events).obligations)[0] ?? 'x' }, at),
        t + step.gapHours * 3600_000,
      );
  }
  return events;
}

describe('deciders over random histories', () => {
  it('never open an obligation due before its triggering fact', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        for (const event of play(scenario)) {
          if (event.type !== 'ObligationOpened') continue;
          const opened = event as ObligationOpened;
          const trigger = Date.parse(opened.occurredAt);
          expect(opened.data.triggeredBy.key.endsWith(`@${opened.occurredAt}`)).toBe(true);
          for (const due of [opened.data.dueAt, opened.data.strictDueAt, opened.data.rolledDueAt]) {
            if (due !== null) expect(Date.parse(due)).toBeGreaterThan(trigger);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('fold deterministically: the same events always give the same state', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const events = play(scenario);
        const copy = JSON.parse(JSON.stringify(events)) as CaseEvent[];
        expect(canonical(fold(copy))).toBe(canonical(fold(events)));
        expect(canonical(play(scenario))).toBe(canonical(events));
      }),
      { numRuns: 100 },
    );
  });

  it('foldCaseEvents gives exactly the state evolveCase one event at a time gives, and changes no state it is handed', () => {
    fc.assert(
      fc.property(scenarioArb, fc.nat(), (scenario, cut) => {
        const events = play(scenario);
        expect(foldCaseEvents(initialCaseState, events)).toEqual(fold(events));
        // Folding on from a folded prefix leaves the prefix's state as it was.
        const at = cut % (events.length + 1);
        const prefix = foldCaseEvents(initialCaseState, events.slice(0, at));
        const before = canonical(prefix);
        expect(foldCaseEvents(prefix, events.slice(at))).toEqual(fold(events));
        expect(canonical(prefix)).toBe(before);
      }),
      { numRuns: 200 },
    );
  });
});
