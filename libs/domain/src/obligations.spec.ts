import type { CaseEvent } from './events';
import { DK_YOUTH_PACK } from './rules/dk-youth';
import type { RulePack } from './rules/types';
import { cmd, context, fold, given, history, openCase } from './test-support';

const receive = (occurredAt: string) =>
  cmd(
    'RecordPoliceDocumentation',
    { documentationId: 'doc-1', kind: 'weekly-report', offenceCategories: ['robbery'] },
    occurredAt,
  );
const ID = 'NSR-CONVENE:documentation:doc-1';
const check = (now: string) => cmd('CheckObligation', { obligationId: ID }, now);
const base = () => history([openCase('2009-05-10')]);
const received = () => history([openCase('2009-05-10'), receive('2025-03-01T10:00:00.000Z')]);
// NSR-CONVENE for a receipt on Saturday 1 March 2025: due end of Saturday 8 March = 2025-03-08T23:00Z, warn from 7 March.
const DUE = '2025-03-08T23:00:00.000Z';
const WARN = '2025-03-06T23:00:00.000Z';

describe('a fact posted late (business time before record time)', () => {
  it('opens and breaches at once when the due instant has passed, recording due and detection', () => {
    given(base())
      .when(receive('2025-03-01T10:00:00.000Z'), context('2025-03-20T08:00:00.000Z'))
      .then([
        ...given(base()).when(receive('2025-03-01T10:00:00.000Z')).events,
        {
          type: 'ObligationBreached',
          data: { obligationId: ID, dueAt: DUE, detectedAt: '2025-03-20T08:00:00.000Z' },
          occurredAt: DUE,
        },
      ]);
  });

  it('opens and warns at once inside the warning lead', () => {
    const outcome = given(base()).when(
      receive('2025-03-01T10:00:00.000Z'),
      context('2025-03-07T12:00:00.000Z'),
    );
    expect(outcome.types()).toEqual(['PoliceDocumentationReceived', 'ObligationOpened', 'ObligationDueSoon']);
    expect(outcome.events[2]).toEqual({
      type: 'ObligationDueSoon',
      data: { obligationId: ID, dueAt: DUE, warnAt: WARN, detectedAt: '2025-03-07T12:00:00.000Z' },
      occurredAt: WARN,
    });
  });
});

describe('CheckObligation: the scheduler wake-up is harmless when early, late or repeated', () => {
  it('does nothing before the warning instant', () => {
    given(received()).when(check('2025-03-06T22:59:59.999Z')).then([]);
  });

  it('warns once inside the lead, then not again', () => {
    const warned = given(received()).when(check(WARN)).events;
    expect(warned.map((e) => e.type)).toEqual(['ObligationDueSoon']);
    given([...received(), ...warned])
      .when(check('2025-03-07T10:00:00.000Z'))
      .then([]);
  });

  it('breaches once at the due instant, then not again, however late', () => {
    const breached = given(received()).when(check(DUE)).events;
    expect(breached).toEqual([
      {
        type: 'ObligationBreached',
        data: { obligationId: ID, dueAt: DUE, detectedAt: DUE },
        occurredAt: DUE,
      },
    ]);
    const after = [...received(), ...breached];
    given(after).when(check(DUE)).then([]);
    given(after).when(check('2025-06-01T00:00:00.000Z')).then([]);
    expect(fold(after).obligations[ID]).toMatchObject({ status: 'open', breached: true, breachedAt: DUE });
  });

  it('a late check breaches without a warning first', () => {
    expect(given(received()).when(check('2025-04-01T00:00:00.000Z')).types()).toEqual(['ObligationBreached']);
  });

  it('does nothing for a fulfilled obligation or one without a due, and refuses an unknown id', () => {
    const convened = given(received()).when(
      cmd(
        'ConveneCouncil',
        { councilId: 'c-1', invitees: [{ role: 'youth' }], meetingDate: '2025-03-10' },
        '2025-03-05T10:00:00.000Z',
      ),
    ).events;
    given([...received(), ...convened])
      .when(check('2025-04-01T00:00:00.000Z'))
      .then([]);
    given(received())
      .when(cmd('CheckObligation', { obligationId: 'nope' }, '2025-03-02T00:00:00.000Z'))
      .thenFails('obligation-not-found');
  });

  it('a breached obligation stays visible and can still be fulfilled late', () => {
    const breached = [...received(), ...given(received()).when(check(DUE)).events];
    const outcome = given(breached).when(
      cmd(
        'ConveneCouncil',
        {
          councilId: 'c-1',
          documentationId: 'doc-1',
          invitees: [{ role: 'youth' }],
          meetingDate: '2025-03-12',
        },
        '2025-03-10T10:00:00.000Z',
      ),
    );
    expect(outcome.events[1].data).toEqual({
      obligationId: ID,
      onTime: false,
      late: true,
      by: { type: 'CouncilConvened', key: 'c-1@2025-03-10T10:00:00.000Z' },
      fulfilledAt: '2025-03-10T10:00:00.000Z',
    });
    const state = fold([...breached, ...outcome.events]);
    expect(state.obligations[ID]).toMatchObject({ status: 'fulfilled', breached: true, onTime: false });
  });
});

describe('WaiveObligation: a supervisor with a written justification', () => {
  const waive = (role: string, justification: string, obligationId = ID) =>
    cmd(
      'WaiveObligation',
      { obligationId, by: { actorId: 'sup-7', role }, justification },
      '2025-03-03T10:00:00.000Z',
    );

  it('waives an open obligation, after which checks do nothing', () => {
    given(received())
      .when(waive('supervisor', ' Youth moved to Sweden; case closed there. '))
      .then([
        {
          type: 'ObligationWaived',
          data: {
            obligationId: ID,
            by: { actorId: 'sup-7', role: 'supervisor' },
            justification: 'Youth moved to Sweden; case closed there.',
          },
          occurredAt: '2025-03-03T10:00:00.000Z',
        },
      ]);
    const waived = [...received(), ...given(received()).when(waive('supervisor', 'Moved abroad')).events];
    given(waived).when(check(DUE)).then([]);
    given(waived).when(waive('supervisor', 'again')).thenFails('obligation-closed');
  });

  it('refuses anyone but a supervisor, an empty justification, and an unknown obligation', () => {
    given(received()).when(waive('integration', 'because')).thenFails('waiver-requires-supervisor');
    given(received()).when(waive('supervisor', '   ')).thenFails('justification-required');
    given(received())
      .when(waive('supervisor', 'because', 'nope'))
      .thenFails('obligation-not-found');
  });
});

describe('roll-forward to the next working day (off by default, per municipality and rule)', () => {
  const pack: RulePack = {
    ...DK_YOUTH_PACK,
    municipalities: {
      '999': { rollForward: 'all' },
      '998': { rollForward: ['NSR-CONVENE'], extraNonWorkingDays: ['christmas-eve', 'new-years-eve'] },
      '997': { rollForward: ['NSR-HOLD'], warningLeadDays: { 'NSR-CONVENE': 4 } },
    },
  };
  const dueIn = (municipality: string, receivedAt: string) => {
    const events = history(
      [openCase('2009-05-10', '2020-01-01T09:00:00.000Z', municipality)],
      municipality,
      pack,
    );
    return given(events)
      .when(receive(receivedAt), context(receivedAt, municipality, pack))
      .opened('NSR-CONVENE')[0];
  };

  it('is off by default: strict calendar days even when the due date is a Saturday', () => {
    expect(dueIn('101', '2025-03-15T10:00:00.000Z')).toMatchObject({
      dueDate: '2025-03-22',
      rolledDueAt: null,
      rolledDueDate: null,
    });
  });

  it('rolls a Saturday due date to Monday, and alerts use the rolled due', () => {
    expect(dueIn('999', '2025-03-22T10:00:00.000Z')).toMatchObject({
      strictDueDate: '2025-03-29',
      strictDueAt: '2025-03-29T23:00:00.000Z',
      rolledDueDate: '2025-03-31',
      rolledDueAt: '2025-03-31T22:00:00.000Z',
      dueAt: '2025-03-31T22:00:00.000Z',
      warnAt: '2025-03-29T23:00:00.000Z',
    });
  });

  it('rolls Skærtorsdag (17 April 2025) past Easter to Tuesday 22 April', () => {
    expect(dueIn('999', '2025-04-10T10:00:00.000Z')).toMatchObject({
      strictDueDate: '2025-04-17',
      rolledDueDate: '2025-04-22',
    });
  });

  it('24 December is a working day unless the municipality adds it to its extra non-working days', () => {
    expect(dueIn('999', '2025-12-17T10:00:00.000Z')).toMatchObject({
      strictDueDate: '2025-12-24',
      rolledDueDate: '2025-12-24',
    });
    expect(dueIn('998', '2025-12-17T10:00:00.000Z')).toMatchObject({
      strictDueDate: '2025-12-24',
      rolledDueDate: '2025-12-29',
    });
  });

  it('applies only to the rules listed, and takes a per-rule warning lead', () => {
    expect(dueIn('997', '2025-03-22T10:00:00.000Z')).toMatchObject({
      rolledDueAt: null,
      dueDate: '2025-03-29',
      warnAt: '2025-03-25T23:00:00.000Z',
    });
  });

  it('the check breaches at the rolled due, not the strict one', () => {
    const events = history(
      [openCase('2009-05-10', '2020-01-01T09:00:00.000Z', '999'), receive('2025-03-22T10:00:00.000Z')],
      '999',
      pack,
    );
    const at = (now: string) =>
      given(events)
        .when(check(now), context(now, '999', pack))
        .types();
    expect(at('2025-03-29T23:00:00.000Z')).toEqual(['ObligationDueSoon']);
    expect(at('2025-03-31T22:00:00.000Z')).toEqual(['ObligationBreached']);
  });
});

describe('evolve ignores obligation events for unknown obligations', () => {
  it('keeps the state unchanged', () => {
    const state = fold(base());
    const stray: CaseEvent = {
      type: 'ObligationCancelled',
      data: { obligationId: 'nope', reason: 'x', by: { type: 'CaseOpened', key: 'k' } },
      occurredAt: '2025-01-01T00:00:00.000Z',
    };
    expect(fold([...base(), stray])).toEqual(state);
  });
});
