import fc from 'fast-check';
import { foldCase, toNewEvents } from '@fristvagt/case-commands';
import type { CaseCommand, CaseEvent } from '@fristvagt/domain';
import { cmd, history } from '@fristvagt/domain/test-support';
import type { RecordedEvent } from '@fristvagt/event-store';
import { replayCase } from './replay';

const DAY = 86_400_000;
const CASE_ID = '6c1f5d0e-8a4b-4c3d-9e2f-1a2b3c4d5e6f';
const at = (ms: number) => new Date(ms).toISOString();

/** Stored events; each recorded `recordLagDays[i]` days after it occurred (a late post), in stream order. */
function stored(
  events: readonly CaseEvent[],
  recordedAt: (event: CaseEvent, i: number) => string,
): RecordedEvent[] {
  return toNewEvents(events, {
    municipality: '461',
    actor: 'k-test',
    correlationId: 'c',
    idempotency: null,
  }).map((event, i) => ({
    ...event,
    metadata: { ...event.metadata, recordedAt: recordedAt(events[i], i) },
    streamName: `case-${CASE_ID}`,
    revision: BigInt(i),
    position: { commit: 1n, prepare: BigInt(i) },
  }));
}

type Step = {
  kind: 'notify' | 'convene' | 'hold' | 'not-held' | 'assess-out' | 'waive' | 'plan';
  gapDays: number;
};

/** A network-council history from random steps, each command decided by the domain at its own instant. */
function councilHistory(steps: readonly Step[]): CaseEvent[] {
  let t = Date.parse('2025-01-06T09:00:00Z');
  const commands: CaseCommand[] = [
    cmd('OpenCase', { caseId: CASE_ID, municipality: '461', birthDate: '2011-04-01', person: null }, at(t)),
  ];
  let notified = 0;
  let convened = 0;
  const decided = () => history(commands, '461');
  for (const step of steps) {
    t += step.gapDays * DAY + 3_600_000;
    const candidate: CaseCommand | undefined = (() => {
      switch (step.kind) {
        case 'notify':
          notified += 1;
          return cmd(
            'RecordPoliceDocumentation',
            { documentationId: `pol-${notified}`, kind: 'weekly-report', offenceCategories: ['theft'] },
            at(t),
          );
        case 'convene':
          if (convened >= notified) return undefined;
          convened += 1;
          return cmd(
            'ConveneCouncil',
            {
              councilId: `c-${convened}`,
              documentationId: `pol-${convened}`,
              invitees: [{ role: 'youth' }],
              meetingDate: at(t + 5 * DAY).slice(0, 10),
            },
            at(t),
          );
        case 'hold':
          return convened === 0
            ? undefined
            : cmd(
                'RecordCouncilHeld',
                { councilId: `c-${convened}`, participants: [{ role: 'youth' }], agreements: [] },
                at(t),
              );
        case 'not-held':
          return convened === 0
            ? undefined
            : cmd(
                'RecordCouncilNotHeld',
                { councilId: `c-${convened}`, reason: 'no-show', note: 'n' },
                at(t),
              );
        case 'assess-out':
          return notified === 0
            ? undefined
            : cmd(
                'AssessTargetGroup',
                { documentationId: `pol-${notified}`, inTargetGroup: false, reasoning: 'r' },
                at(t),
              );
        case 'waive':
          return notified === 0
            ? undefined
            : cmd(
                'WaiveObligation',
                {
                  obligationId: `NSR-CONVENE:documentation:pol-${notified}`,
                  by: { actorId: 'k-s', role: 'supervisor' },
                  justification: 'j',
                },
                at(t),
              );
        case 'plan':
          return convened === 0
            ? undefined
            : cmd('AdoptPlan', { planId: `plan-${t}`, councilId: `c-${convened}` }, at(t));
      }
    })();
    if (candidate === undefined) continue;
    commands.push(candidate);
    try {
      decided();
    } catch {
      commands.pop(); // a command the domain refuses in this history is simply not part of it
    }
  }
  return decided();
}

const stepArb = fc.record({
  kind: fc.constantFrom<Step['kind']>(
    'notify',
    'notify',
    'convene',
    'hold',
    'not-held',
    'assess-out',
    'waive',
    'plan',
  ),
  gapDays: fc.integer({ min: 0, max: 20 }),
});

describe('replayCase', () => {
  it('is tested on histories with obligations opened, fulfilled, cancelled and waived', () => {
    const types = new Set<string>(
      fc
        .sample(fc.array(stepArb, { minLength: 10, maxLength: 25 }), { numRuns: 30, seed: 13 })
        .flatMap((steps) => councilHistory(steps).map((event) => event.type)),
    );
    for (const type of [
      'ObligationOpened',
      'ObligationFulfilled',
      'ObligationCancelled',
      'ObligationWaived',
      'CouncilHeld',
    ]) {
      expect({ type, seen: types.has(type) }).toEqual({ type, seen: true });
    }
  });

  it('ends in exactly the state foldCase gives, over random council histories', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 25 }), (steps) => {
        const events = stored(councilHistory(steps), (event) => event.occurredAt);
        const replayed = replayCase(events, { asOf: null, knownAt: null });
        expect(replayed.finalState).toEqual(foldCase(events));
        expect(replayed.steps).toHaveLength(events.length);
        expect(replayed.revision).toBe(events.length - 1);
      }),
      { numRuns: 60 },
    );
  });

  it('with asOf and knownAt folds exactly the events recorded by knownAt that occurred by asOf', () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: 400 }),
        (steps, asOfDays, knownAtDays) => {
          // Recorded in stream order, each a day after the one before: late posts abound.
          const base = Date.parse('2025-01-06T00:00:00Z');
          const events = stored(councilHistory(steps), (_e, i) => at(base + i * DAY));
          const bounds = { asOf: base + asOfDays * DAY, knownAt: base + knownAtDays * DAY };
          const shown = events.filter(
            (e) =>
              Date.parse(e.metadata.recordedAt) <= bounds.knownAt &&
              Date.parse(e.metadata.occurredAt) <= bounds.asOf,
          );
          const replayed = replayCase(events, bounds);
          expect(replayed.steps.map((step) => step.event)).toEqual(shown);
          expect(replayed.finalState).toEqual(foldCase(shown));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('shows a notification posted after its due open before the due and breached from it on', () => {
    const received = Date.parse('2026-03-10T10:00:00Z');
    const events = stored(
      history(
        [
          cmd(
            'OpenCase',
            { caseId: CASE_ID, municipality: '461', birthDate: '2010-09-10', person: null },
            '2026-03-01T09:00:00.000Z',
          ),
          cmd(
            'RecordPoliceDocumentation',
            { documentationId: 'pol-1', kind: 'other', offenceCategories: ['other'] },
            at(received),
          ),
        ],
        '461',
      ).concat([
        {
          type: 'ObligationBreached',
          data: {
            obligationId: 'NSR-CONVENE:documentation:pol-1',
            dueAt: '2026-03-17T23:00:00.000Z',
            detectedAt: '2026-03-25T12:00:00.000Z',
          },
          occurredAt: '2026-03-17T23:00:00.000Z',
        } as CaseEvent,
      ]),
      (event, i) => (i === 0 ? event.occurredAt : '2026-03-25T12:00:00.000Z'),
    );
    const state = (asOf: string, knownAt: string | null) =>
      replayCase(events, {
        asOf: Date.parse(asOf),
        knownAt: knownAt === null ? null : Date.parse(knownAt),
      }).steps.at(-1)?.stateAfter;
    expect(state('2026-03-20T00:00:00Z', '2026-03-24T00:00:00Z')?.openObligations).toEqual([]);
    expect(state('2026-03-15T00:00:00Z', null)?.openObligations.map((o) => o.state)).toEqual(['open']);
    expect(state('2026-03-20T00:00:00Z', null)?.openObligations.map((o) => o.state)).toEqual(['breached']);
    expect(state('2026-03-20T00:00:00Z', null)?.counts).toMatchObject({ breached: 1, open: 0 });
  });
});
