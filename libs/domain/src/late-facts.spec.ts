import fc from 'fast-check';
import { addDays, localDateOf } from './calendar';
import type { CaseCommand } from './commands';
import { decideCase } from './decider';
import type { CaseEvent, ObligationCancelled, ObligationOpened } from './events';
import { inBusinessTimeOrder, isLateFact } from './late-facts';
import { SUPERSEDED_BY_LATE_FACT } from './obligations';
import { openObligations } from './state';
import { CASE_ID, cmd, context, fold, given, history, openCase } from './test-support';

const YOUTH_BORN = '2009-05-10';

const receive = (occurredAt: string, documentationId: string) =>
  cmd(
    'RecordPoliceDocumentation',
    { documentationId, kind: 'youth-list', offenceCategories: ['robbery'] },
    occurredAt,
  );
const convene = (occurredAt: string, councilId: string, documentationId: string | null) =>
  cmd(
    'ConveneCouncil',
    {
      councilId,
      documentationId,
      invitees: [{ role: 'youth' }],
      meetingDate: addDays(localDateOf(occurredAt), 3),
    },
    occurredAt,
  );
const held = (occurredAt: string, councilId: string) =>
  cmd('RecordCouncilHeld', { councilId, participants: [], agreements: [] }, occurredAt);

/** Posts each command at `now` (so none is refused as lying in the future) and returns every event recorded. */
function post(commands: readonly CaseCommand[], now: string, start: CaseEvent[] = []): CaseEvent[] {
  const events = [...start];
  for (const command of commands) {
    const result = decideCase(command, fold(events), context(now));
    if (!result.ok) throw new Error(`${command.type} refused: ${result.error.code}`);
    events.push(...result.value);
  }
  return events;
}

describe('a council held on 3 March posted after a notification of 10 March (facts out of order)', () => {
  const past = () =>
    history([
      openCase(YOUTH_BORN, '2025-01-02T09:00:00.000Z'),
      receive('2025-02-20T10:00:00.000Z', 'doc-1'),
      convene('2025-02-22T10:00:00.000Z', 'council-1', 'doc-1'),
      receive('2025-03-10T10:00:00.000Z', 'doc-2'),
    ]);
  const lateHeld = held('2025-03-03T10:00:00.000Z', 'council-1');
  const lateFact = { type: 'CouncilHeld', key: 'council-1@2025-03-03T10:00:00.000Z' };

  it('cancels the notification’s NSR-CONVENE as superseded and opens NSR-REOFFENCE, both naming the late fact', () => {
    const before = past();
    expect(openObligations(fold(before)).map((o) => o.obligationId)).toContain(
      'NSR-CONVENE:documentation:doc-2',
    );
    const outcome = given(before).when(lateHeld, context('2025-03-12T08:00:00.000Z'));
    expect(outcome.types()).toEqual([
      'CouncilHeld',
      'ObligationFulfilled',
      'ObligationOpened',
      'ObligationOpened',
      'ObligationCancelled',
      'ObligationOpened',
    ]);
    const [cancelled, reopened] = outcome.events.slice(4) as [ObligationCancelled, ObligationOpened];
    expect(cancelled).toEqual({
      type: 'ObligationCancelled',
      data: {
        obligationId: 'NSR-CONVENE:documentation:doc-2',
        reason: SUPERSEDED_BY_LATE_FACT,
        by: lateFact,
      },
      occurredAt: '2025-03-03T10:00:00.000Z',
    });
    expect(reopened).toMatchObject({
      occurredAt: '2025-03-10T10:00:00.000Z',
      data: {
        obligationId: 'NSR-REOFFENCE:documentation:doc-2',
        ruleId: 'NSR-REOFFENCE',
        triggeredBy: { type: 'PoliceDocumentationReceived', key: 'doc-2@2025-03-10T10:00:00.000Z' },
        lateFact,
        refersTo: {
          caseId: CASE_ID,
          type: 'CouncilHeld',
          key: 'council-1@2025-03-03T10:00:00.000Z',
          occurredAt: '2025-03-03T10:00:00.000Z',
        },
      },
    });
  });

  it('leaves the case with the obligations it would hold had the facts been posted in business-time order', () => {
    const late = post([lateHeld], '2025-03-12T08:00:00.000Z', past());
    const inOrder = history([
      openCase(YOUTH_BORN, '2025-01-02T09:00:00.000Z'),
      receive('2025-02-20T10:00:00.000Z', 'doc-1'),
      convene('2025-02-22T10:00:00.000Z', 'council-1', 'doc-1'),
      lateHeld,
      receive('2025-03-10T10:00:00.000Z', 'doc-2'),
    ]);
    expect(openSet(late)).toEqual(openSet(inOrder));
  });

  it('keeps what it changed in the case state: the superseded obligation names the late fact, the new one too', () => {
    const state = fold(post([lateHeld], '2025-03-12T08:00:00.000Z', past()));
    expect(state.obligations['NSR-CONVENE:documentation:doc-2']).toMatchObject({
      status: 'cancelled',
      supersededBy: lateFact,
    });
    expect(state.obligations['NSR-REOFFENCE:documentation:doc-2']).toMatchObject({
      status: 'open',
      openedForLateFact: lateFact,
    });
  });

  it('leaves an obligation a supervisor waived as it is', () => {
    const waived = post(
      [
        cmd(
          'WaiveObligation',
          {
            obligationId: 'NSR-CONVENE:documentation:doc-2',
            by: { actorId: 'sup-1', role: 'supervisor' },
            justification: 'Handled with the first council',
          },
          '2025-03-11T10:00:00.000Z',
        ),
      ],
      '2025-03-11T10:00:00.000Z',
      past(),
    );
    const outcome = given(waived).when(lateHeld, context('2025-03-12T08:00:00.000Z'));
    expect(outcome.types()).toEqual([
      'CouncilHeld',
      'ObligationFulfilled',
      'ObligationOpened',
      'ObligationOpened',
      'ObligationOpened',
    ]);
    expect(outcome.opened('NSR-REOFFENCE')).toHaveLength(1);
  });
});

describe('late facts: other cases', () => {
  it('fulfils, on time, the NSR-CONVENE of a notification posted after the convocation that answered it', () => {
    const past = history([
      openCase(YOUTH_BORN, '2025-01-02T09:00:00.000Z'),
      convene('2025-03-12T10:00:00.000Z', 'council-1', null),
    ]);
    const outcome = given(past).when(
      receive('2025-03-10T10:00:00.000Z', 'doc-1'),
      context('2025-03-13T08:00:00.000Z'),
    );
    expect(outcome.types()).toEqual([
      'PoliceDocumentationReceived',
      'ObligationOpened',
      'ObligationFulfilled',
    ]);
    expect(outcome.events[2].data).toMatchObject({
      obligationId: 'NSR-CONVENE:documentation:doc-1',
      onTime: true,
      fulfilledAt: '2025-03-12T10:00:00.000Z',
    });
  });

  it('reads facts at the same instant as cause before answer, whichever was posted first (the counterexample fast-check found)', () => {
    const sameInstant = '2025-03-10T00:00:00.000Z';
    const noticeFirst = post(
      [receive(sameInstant, 'doc-1'), convene(sameInstant, 'council-1', null)],
      '2025-03-11T08:00:00.000Z',
      post([openCase(YOUTH_BORN, '2025-01-02T09:00:00.000Z')], '2025-03-11T08:00:00.000Z'),
    );
    const convocationFirst = post(
      [convene(sameInstant, 'council-1', null), receive(sameInstant, 'doc-1')],
      '2025-03-11T08:00:00.000Z',
      post([openCase(YOUTH_BORN, '2025-01-02T09:00:00.000Z')], '2025-03-11T08:00:00.000Z'),
    );
    expect(openSet(noticeFirst).some((line) => line.startsWith('NSR-CONVENE'))).toBe(false);
    expect(openSet(convocationFirst)).toEqual(openSet(noticeFirst));
    const convened = post(
      [convene(sameInstant, 'council-2', null)],
      '2025-03-11T08:00:00.000Z',
      post([openCase(YOUTH_BORN, '2025-01-02T09:00:00.000Z')], '2025-03-11T08:00:00.000Z'),
    );
    const notice = convocationFirst.find((event) => event.type === 'PoliceDocumentationReceived');
    expect(isLateFact(notice as never, fold(convened))).toBe(true);
  });

  it('changes nothing when the late fact does not change what earlier facts opened', () => {
    const past = history([
      openCase(YOUTH_BORN, '2025-01-02T09:00:00.000Z'),
      receive('2025-03-10T10:00:00.000Z', 'doc-1'),
    ]);
    const outcome = given(past).when(
      receive('2025-03-05T10:00:00.000Z', 'doc-0'),
      context('2025-03-09T08:00:00.000Z'),
    );
    expect(outcome.types()).toEqual(['PoliceDocumentationReceived', 'ObligationOpened']);
  });

  it('treats a fact at the same instant as the latest one as on time, and keeps the opening first in a replay', () => {
    const state = fold(
      history([openCase(YOUTH_BORN, '2025-01-02T09:00:00.000Z'), receive('2025-03-10T10:00:00.000Z', 'd')]),
    );
    expect(isLateFact(receive('2025-03-10T10:00:00.000Z', 'e') as never, state)).toBe(false);
    const facts = inBusinessTimeOrder([
      { type: 'PlacementStarted', data: { placementId: 'p' }, occurredAt: '2024-01-01T00:00:00.000Z' },
      {
        type: 'CaseOpened',
        data: { caseId: CASE_ID, municipality: '101', birthDate: YOUTH_BORN, person: null },
        occurredAt: '2025-01-01T00:00:00.000Z',
      },
    ]);
    expect(facts.map((fact) => fact.type)).toEqual(['CaseOpened', 'PlacementStarted']);
  });
});

// ---------------------------------------------------------------- property

/** Open obligations as (id, rule, variant, due): what must not depend on the order facts were posted in. */
function openSet(events: readonly CaseEvent[]): string[] {
  return openObligations(fold(events))
    .map((o) => `${o.obligationId} ${o.ruleId} ${o.variant} ${o.dueAt ?? '-'}`)
    .sort();
}

/**
 * A unit is what an integration posts together: a notification; a notification and its target-group
 * assessment; or a council convened (unscoped) and held. Units are independent, so any order of them is a
 * valid posting order; inside a unit the order is the only valid one.
 */
const unitArb = fc.record({
  kind: fc.constantFrom('notification', 'assessed', 'council'),
  // 2024-02-01 .. 2026-05-01, on whole minutes
  // a few fixed instants as well, so that facts of different units often fall at the same instant
  startMinute: fc.oneof(fc.integer({ min: 0, max: 820 * 24 * 60 }), fc.constantFrom(0, 7, 24 * 60)),
  gapHours: fc.integer({ min: 1, max: 24 * 20 }),
  inTargetGroup: fc.boolean(),
});
type Unit = typeof unitArb extends fc.Arbitrary<infer T> ? T : never;

const BASE = Date.UTC(2024, 1, 1);
const NOW = '2026-07-01T00:00:00.000Z';
const at = (ms: number) => new Date(ms).toISOString();

function commandsOf(unit: Unit, index: number): CaseCommand[] {
  const start = BASE + unit.startMinute * 60_000;
  const later = start + unit.gapHours * 3600_000;
  switch (unit.kind) {
    case 'notification':
      return [receive(at(start), `doc-${index}`)];
    case 'assessed':
      return [
        receive(at(start), `doc-${index}`),
        cmd(
          'AssessTargetGroup',
          {
            documentationId: `doc-${index}`,
            inTargetGroup: unit.inTargetGroup,
            reasoning: 'Not serious enough',
          },
          at(later),
        ),
      ];
    case 'council':
      return [convene(at(start), `council-${index}`, null), held(at(later), `council-${index}`)];
  }
}

const opening = openCase(YOUTH_BORN, '2024-01-02T09:00:00.000Z');

function postUnits(units: readonly Unit[], order: readonly number[]): CaseEvent[] {
  return post(
    order.flatMap((i) => commandsOf(units[i], i)),
    NOW,
    post([opening], NOW),
  );
}

function inBusinessOrder(units: readonly Unit[]): CaseEvent[] {
  const commands = units
    .flatMap((unit, i) => commandsOf(unit, i))
    .map((command, i) => ({ command, i }))
    .sort((a, b) => Date.parse(a.command.occurredAt) - Date.parse(b.command.occurredAt) || a.i - b.i)
    .map(({ command }) => command);
  return post(commands, NOW, post([opening], NOW));
}

jest.setTimeout(120_000);

describe('facts out of order, over generated case histories (property)', () => {
  it('posted in reverse order, or with any pair of units swapped, end in the same open obligations as in order', () => {
    fc.assert(
      fc.property(fc.array(unitArb, { minLength: 2, maxLength: 5 }), (units) => {
        const expected = openSet(inBusinessOrder(units));
        const indices = units.map((_, i) => i);
        expect(openSet(postUnits(units, [...indices].reverse()))).toEqual(expected);
        for (let i = 0; i < units.length; i++) {
          for (let j = i + 1; j < units.length; j++) {
            const swapped = [...indices];
            [swapped[i], swapped[j]] = [swapped[j], swapped[i]];
            expect(openSet(postUnits(units, swapped))).toEqual(expected);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('finds the council-then-notification case among the generated ones (the property is not vacuous)', () => {
    const units: Unit[] = [
      { kind: 'notification', startMinute: 40 * 24 * 60, gapHours: 1, inTargetGroup: true },
      { kind: 'council', startMinute: 10 * 24 * 60, gapHours: 48, inTargetGroup: true },
    ];
    const reversed = postUnits(units, [0, 1]);
    expect(
      reversed.some((e) => e.type === 'ObligationCancelled' && e.data.reason === SUPERSEDED_BY_LATE_FACT),
    ).toBe(true);
    expect(openSet(reversed)).toEqual(openSet(inBusinessOrder(units)));
    expect(openSet(reversed).some((line) => line.startsWith('NSR-REOFFENCE:documentation:doc-0'))).toBe(true);
  });
});
