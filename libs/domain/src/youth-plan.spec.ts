import { cmd, given, history, openCase } from './test-support';

const decide = (occurredAt: string, planRequired = true, measureId = 'm-1') =>
  cmd('DecideContactPerson', { measureId, planRequired }, occurredAt);
const place = (occurredAt: string) => cmd('StartPlacement', { placementId: 'pl-1' }, occurredAt);
const youthPlan = (occurredAt: string, kind: 'youth-plan' | 'action-plan' = 'youth-plan') =>
  cmd('AdoptPlan', { planId: `p-${kind}`, kind, measureId: 'm-1' }, occurredAt);
const bornOn = (birthDate: string) => history([openCase(birthDate, '2020-01-01T09:00:00.000Z')]);
const ungeplan = (birthDate: string, command: ReturnType<typeof decide | typeof place>) =>
  given(bornOn(birthDate)).when(command).opened('UNGEPLAN');

describe('UNGEPLAN: the youth plan within 3 months of the decision or of the 16th birthday', () => {
  it('a contact person decided at 17: due 3 months after the decision', () => {
    expect(ungeplan('2008-03-15', decide('2025-06-10T10:00:00.000Z'))).toMatchObject([
      {
        obligationId: 'UNGEPLAN:measure:m-1',
        variant: 'barnets-lov-108-support',
        citation:
          'Barnets lov § 108, stk. 3 (within 3 months of the decision on the measure or of the 16th birthday)',
        dueDate: '2025-09-10',
        dueAt: '2025-09-10T22:00:00.000Z',
      },
    ]);
  });

  it('decided at 13, with the 16th birthday on 31 August 2027: due 30 November 2027 (clamped to the month end)', () => {
    expect(ungeplan('2011-08-31', decide('2025-01-15T10:00:00.000Z'))[0]).toMatchObject({
      dueDate: '2027-11-30',
      dueAt: '2027-11-30T23:00:00.000Z',
    });
  });

  it('a placement at 15 of a youth born 29 February 2008: 16 on the leap day 2024-02-29, due 29 May 2024', () => {
    expect(ungeplan('2008-02-29', place('2024-01-05T10:00:00.000Z'))).toMatchObject([
      {
        obligationId: 'UNGEPLAN:placement:pl-1',
        variant: 'barnets-lov-108-placement',
        subject: { kind: 'placement', id: 'pl-1' },
        dueDate: '2024-05-29',
      },
    ]);
  });

  it('across the spring DST change: decided 5 January 2026 at 17, due at 00:00 CEST on 6 April 2026', () => {
    expect(ungeplan('2008-06-01', decide('2026-01-05T10:00:00.000Z'))[0]).toMatchObject({
      dueDate: '2026-04-05',
      dueAt: '2026-04-05T22:00:00.000Z',
    });
  });

  it('opens nothing where the municipality decided no plan, for a youth of 18 or more, or before Barnets lov', () => {
    expect(ungeplan('2008-03-15', decide('2025-06-10T10:00:00.000Z', false))).toEqual([]);
    expect(ungeplan('2006-01-01', decide('2025-06-10T10:00:00.000Z'))).toEqual([]);
    expect(ungeplan('2006-01-01', decide('2023-12-31T22:30:00.000Z'))).toEqual([]);
  });

  it('a plan of kind youth-plan fulfils it; an ordinary action plan does not', () => {
    const events = history([
      openCase('2008-03-15', '2020-01-01T09:00:00.000Z'),
      decide('2025-06-10T10:00:00.000Z'),
    ]);
    const actionPlan = given(events).when(youthPlan('2025-07-01T10:00:00.000Z', 'action-plan'));
    expect(actionPlan.events.map((e) => e.data)).not.toContainEqual(
      expect.objectContaining({ obligationId: 'UNGEPLAN:measure:m-1' }),
    );
    const outcome = given(events).when(youthPlan('2025-07-01T10:00:00.000Z'));
    expect(outcome.events.map((e) => e.data)).toContainEqual(
      expect.objectContaining({ obligationId: 'UNGEPLAN:measure:m-1', onTime: true }),
    );
  });

  it('ending the measure cancels it', () => {
    const events = history([
      openCase('2008-03-15', '2020-01-01T09:00:00.000Z'),
      decide('2025-06-10T10:00:00.000Z'),
    ]);
    const ended = given(events).when(
      cmd('EndContactPerson', { measureId: 'm-1', reason: 'youth-declined' }, '2025-07-01T10:00:00.000Z'),
    );
    expect(ended.events).toContainEqual(
      expect.objectContaining({
        type: 'ObligationCancelled',
        data: expect.objectContaining({ obligationId: 'UNGEPLAN:measure:m-1' }),
      }),
    );
  });
});
