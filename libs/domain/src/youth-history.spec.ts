import { addDays, localDateOf } from './calendar';
import type { CaseCommand } from './commands';
import type { DecideContext } from './context';
import { decideCase } from './decider';
import { cmd, context, fold, given, history, openCase } from './test-support';
import {
  combineYouthHistories,
  needsYouthHistory,
  NO_YOUTH_HISTORY,
  youthHistoryOf,
  type YouthHistory,
} from './youth-history';

const YOUTH_BORN = '2009-05-10';
const FIRST_CASE = '5d1c9a0e-2b7f-4c39-8d6e-1a2b3c4d5e6f';
const PERSON = { cprCiphertext: 'ciphertext', cprLookupHash: 'lookup-hash' };

const receive = (occurredAt: string, documentationId = 'doc-1') =>
  cmd(
    'RecordPoliceDocumentation',
    { documentationId, kind: 'interview-invitation', offenceCategories: ['violence'] },
    occurredAt,
  );
const convene = (occurredAt: string, councilId = 'council-1', documentationId: string | null = 'doc-1') =>
  cmd(
    'ConveneCouncil',
    {
      councilId,
      documentationId,
      invitees: [{ role: 'youth' }],
      meetingDate: addDays(localDateOf(occurredAt), 7),
    },
    occurredAt,
  );
const held = (occurredAt: string, councilId = 'council-1') =>
  cmd('RecordCouncilHeld', { councilId, participants: [{ role: 'youth' }], agreements: [] }, occurredAt);

/** The youth's first case: a council held on `heldAt` (and whatever else is given). */
function firstCase(heldAt: string, more: CaseCommand[] = []): YouthHistory {
  const opened = cmd(
    'OpenCase',
    { caseId: FIRST_CASE, municipality: '101', birthDate: YOUTH_BORN, person: PERSON },
    '2023-01-02T09:00:00.000Z',
  );
  const receivedAt = new Date(Date.parse(heldAt) - 10 * 86400_000).toISOString();
  const conveneAt = new Date(Date.parse(heldAt) - 8 * 86400_000).toISOString();
  return youthHistoryOf(
    fold(history([opened, receive(receivedAt), convene(conveneAt), held(heldAt), ...more])),
  );
}

/** The second case, opened for the same youth, without councils of its own. */
const secondCase = () =>
  history([
    cmd(
      'OpenCase',
      {
        caseId: '0b7f3c52-4d0e-4b8e-9a51-2f7e1c9d6a10',
        municipality: '101',
        birthDate: YOUTH_BORN,
        person: PERSON,
      },
      '2024-01-02T09:00:00.000Z',
    ),
  ]);

const withHistory = (now: string, youthHistory: YouthHistory): DecideContext => ({
  ...context(now),
  youthHistory,
});

function opensOnNotification(receivedAt: string, youthHistory: YouthHistory) {
  return given(secondCase()).when(receive(receivedAt, 'doc-2'), withHistory(receivedAt, youthHistory));
}

describe('NSR-REOFFENCE looks at the youth, not the case (DOMAIN.md 15)', () => {
  it('opens NSR-REOFFENCE in a second case for a youth whose council in the first case was held 11 months earlier', () => {
    const outcome = opensOnNotification('2025-02-01T10:00:00.000Z', firstCase('2024-03-01T10:00:00.000Z'));
    expect(outcome.opened().map((o) => o.ruleId)).toEqual(['NSR-REOFFENCE']);
    expect(outcome.opened('NSR-REOFFENCE')[0].refersTo).toEqual({
      caseId: FIRST_CASE,
      type: 'CouncilHeld',
      key: 'council-1@2024-03-01T10:00:00.000Z',
      occurredAt: '2024-03-01T10:00:00.000Z',
    });
  });

  it('opens NSR-CONVENE in the second case when that council was held 13 months earlier', () => {
    const outcome = opensOnNotification('2025-04-01T10:00:00.000Z', firstCase('2024-03-01T10:00:00.000Z'));
    expect(outcome.opened().map((o) => o.ruleId)).toEqual(['NSR-CONVENE']);
    expect(outcome.opened('NSR-CONVENE')[0].refersTo).toBeUndefined();
  });

  it('opens NSR-REOFFENCE for a receipt on the local anniversary of the council in the other case', () => {
    const outcome = opensOnNotification('2025-03-01T22:59:59.000Z', firstCase('2024-03-01T10:00:00.000Z'));
    expect(outcome.opened().map((o) => o.ruleId)).toEqual(['NSR-REOFFENCE']);
  });

  it('opens NSR-CONVENE from the local day after the anniversary (23:00Z on 1 March is 2 March in Denmark)', () => {
    const outcome = opensOnNotification('2025-03-01T23:00:00.000Z', firstCase('2024-03-01T10:00:00.000Z'));
    expect(outcome.opened().map((o) => o.ruleId)).toEqual(['NSR-CONVENE']);
  });

  it('counts the anniversary of a council held on 29 February as 28 February the year after', () => {
    const leap = firstCase('2024-02-29T10:00:00.000Z');
    expect(opensOnNotification('2025-02-28T12:00:00.000Z', leap).opened()[0].ruleId).toBe('NSR-REOFFENCE');
    expect(opensOnNotification('2025-03-01T12:00:00.000Z', leap).opened()[0].ruleId).toBe('NSR-CONVENE');
  });

  it('does not count a council in the other case held after the receipt', () => {
    const outcome = opensOnNotification('2025-02-01T10:00:00.000Z', firstCase('2025-02-03T10:00:00.000Z'));
    expect(outcome.opened().map((o) => o.ruleId)).toEqual(['NSR-CONVENE']);
  });

  it('names the latest council of all the youth’s cases, its own included', () => {
    const own = history([
      openCase(YOUTH_BORN, '2024-01-02T09:00:00.000Z'),
      receive('2024-04-01T10:00:00.000Z', 'doc-0'),
      convene('2024-04-02T10:00:00.000Z', 'council-own', 'doc-0'),
      held('2024-04-05T10:00:00.000Z', 'council-own'),
    ]);
    const earlier = given(own).when(
      receive('2025-02-01T10:00:00.000Z', 'doc-2'),
      withHistory('2025-02-01T10:00:00.000Z', firstCase('2024-03-01T10:00:00.000Z')),
    );
    expect(earlier.opened('NSR-REOFFENCE')[0].refersTo).toMatchObject({
      caseId: '0b7f3c52-4d0e-4b8e-9a51-2f7e1c9d6a10',
      key: 'council-own@2024-04-05T10:00:00.000Z',
    });
    const later = given(own).when(
      receive('2025-02-01T10:00:00.000Z', 'doc-2'),
      withHistory('2025-02-01T10:00:00.000Z', firstCase('2024-06-01T10:00:00.000Z')),
    );
    expect(later.opened('NSR-REOFFENCE')[0].refersTo).toMatchObject({
      caseId: FIRST_CASE,
      key: 'council-1@2024-06-01T10:00:00.000Z',
    });
  });

  it('names the council of its own case too', () => {
    const own = history([
      openCase(YOUTH_BORN, '2024-01-02T09:00:00.000Z'),
      receive('2024-02-20T10:00:00.000Z'),
      convene('2024-02-22T10:00:00.000Z'),
      held('2024-03-01T10:00:00.000Z'),
    ]);
    const outcome = given(own).when(receive('2024-06-01T10:00:00.000Z', 'doc-2'));
    expect(outcome.opened('NSR-REOFFENCE')[0].refersTo).toEqual({
      caseId: '0b7f3c52-4d0e-4b8e-9a51-2f7e1c9d6a10',
      type: 'CouncilHeld',
      key: 'council-1@2024-03-01T10:00:00.000Z',
      occurredAt: '2024-03-01T10:00:00.000Z',
    });
  });

  it('keeps the obligation’s reference to the council in the case state', () => {
    const outcome = opensOnNotification('2025-02-01T10:00:00.000Z', firstCase('2024-03-01T10:00:00.000Z'));
    const state = fold([...secondCase(), ...outcome.events]);
    expect(state.obligations['NSR-REOFFENCE:documentation:doc-2'].refersTo).toMatchObject({
      caseId: FIRST_CASE,
    });
  });
});

describe('AC-ASSESS eligibility looks at all the youth’s cases', () => {
  const placedInThisCase = () =>
    history([
      openCase('2010-01-15', '2024-01-02T09:00:00.000Z'),
      cmd('StartPlacement', { placementId: 'pl-1' }, '2024-02-01T09:00:00.000Z'),
    ]);
  const contactPersonElsewhere = (endedAt?: string) =>
    youthHistoryOf(
      fold(
        history([
          cmd(
            'OpenCase',
            { caseId: FIRST_CASE, municipality: '101', birthDate: '2010-01-15', person: PERSON },
            '2023-01-02T09:00:00.000Z',
          ),
          cmd('DecideContactPerson', { measureId: 'm-1', planRequired: false }, '2023-02-01T09:00:00.000Z'),
          cmd('StartContactPerson', { measureId: 'm-1' }, '2023-02-02T09:00:00.000Z'),
          ...(endedAt === undefined
            ? []
            : [cmd('EndContactPerson', { measureId: 'm-1', reason: 'goal-met' as const }, endedAt)]),
        ]),
      ),
    );
  const endPlacement = cmd('EndPlacement', { placementId: 'pl-1' }, '2024-06-01T09:00:00.000Z');
  const cancelledIds = (events: readonly { type: string; data: unknown }[]) =>
    events.flatMap((event) =>
      event.type === 'ObligationCancelled' ? [(event.data as { obligationId: string }).obligationId] : [],
    );

  it('cancels AC-ASSESS when the placement ends and the youth has no support in any case', () => {
    const outcome = given(placedInThisCase()).when(endPlacement);
    expect(cancelledIds(outcome.events)).toContain('AC-ASSESS:case');
  });

  it('keeps AC-ASSESS open when the youth still has a contact person in another case', () => {
    const outcome = given(placedInThisCase()).when(
      endPlacement,
      withHistory(endPlacement.occurredAt, contactPersonElsewhere()),
    );
    expect(cancelledIds(outcome.events)).not.toContain('AC-ASSESS:case');
    expect(outcome.types()[0]).toBe('PlacementEnded');
  });

  it('cancels it when the contact person in the other case had ended before the placement did', () => {
    const outcome = given(placedInThisCase()).when(
      endPlacement,
      withHistory(endPlacement.occurredAt, contactPersonElsewhere('2024-05-01T09:00:00.000Z')),
    );
    expect(cancelledIds(outcome.events)).toContain('AC-ASSESS:case');
  });
});

describe('needsYouthHistory: when the shell must load the youth’s other cases', () => {
  const withPerson = fold(
    history([
      cmd(
        'OpenCase',
        { caseId: FIRST_CASE, municipality: '101', birthDate: YOUTH_BORN, person: PERSON },
        '2024-01-02T09:00:00.000Z',
      ),
      receive('2024-03-01T10:00:00.000Z'),
    ]),
  );

  it('is needed for a notification, the end of a placement or a contact person, and any fact posted late', () => {
    expect(needsYouthHistory(receive('2024-03-05T10:00:00.000Z', 'doc-2'), withPerson)).toBe(true);
    expect(
      needsYouthHistory(cmd('EndPlacement', { placementId: 'p' }, '2024-03-05T10:00:00.000Z'), withPerson),
    ).toBe(true);
    expect(needsYouthHistory(convene('2024-03-05T10:00:00.000Z'), withPerson)).toBe(false);
    expect(needsYouthHistory(convene('2024-02-28T10:00:00.000Z', 'c', null), withPerson)).toBe(true);
  });

  it('is never needed by the scheduler’s wake-up, a waiver, or a case without a person', () => {
    const check = cmd(
      'CheckObligation',
      { obligationId: 'NSR-CONVENE:documentation:doc-1' },
      '2020-01-01T00:00:00.000Z',
    );
    expect(needsYouthHistory(check, withPerson)).toBe(false);
    const anonymous = fold(history([openCase(YOUTH_BORN, '2024-01-02T09:00:00.000Z')]));
    expect(needsYouthHistory(receive('2024-03-05T10:00:00.000Z'), anonymous)).toBe(false);
  });

  it('a wake-up decides the same with or without the history', () => {
    const events = history([
      openCase(YOUTH_BORN, '2024-01-02T09:00:00.000Z'),
      receive('2024-03-01T10:00:00.000Z'),
    ]);
    const check = cmd(
      'CheckObligation',
      { obligationId: 'NSR-CONVENE:documentation:doc-1' },
      '2024-03-20T00:00:00.000Z',
    );
    const without = decideCase(check, fold(events), context(check.occurredAt));
    const withIt = decideCase(
      check,
      fold(events),
      withHistory(check.occurredAt, firstCase('2024-02-01T10:00:00.000Z')),
    );
    expect(withIt).toEqual(without);
    expect(without.ok && without.value.map((event) => event.type)).toEqual(['ObligationBreached']);
  });

  it('combines the histories of several cases in a stable order', () => {
    const a = firstCase('2024-03-01T10:00:00.000Z');
    expect(combineYouthHistories([NO_YOUTH_HISTORY, a])).toEqual(
      combineYouthHistories([a, NO_YOUTH_HISTORY]),
    );
    expect(combineYouthHistories([a]).councilsHeld).toHaveLength(1);
  });
});
