import { type DeadlineApp, type DeadlineBackend, startDeadlineApp } from '../support/deadline-app';
import { cprFor } from '../support/api';

/**
 * The deadline engine end to end, on each backend: a network council's 7-day deadline (NSR-CONVENE) warned
 * and breached by the wake-ups alone, with nothing posted after the notification. The clock is set so that
 * the due instant (the Copenhagen midnight after day 7) lies 3 s ahead; DEADLINE_WARNING_LEAD=2s makes the
 * warning fall 2 s before it.
 */
const RECEIVED = '2026-03-03T10:00:00.000Z';
/** End of local day 3 March + 7 = 10 March: midnight CET is 23:00 UTC. */
const DUE = '2026-03-10T23:00:00.000Z';
const OBLIGATION = 'NSR-CONVENE:documentation:pol-1';

const BACKENDS: DeadlineBackend[] = ['bullmq-redis', 'bullmq-postgres', 'embedded'];

describe.each(BACKENDS)('deadlines on %s', (backend) => {
  let app: DeadlineApp;
  let token: string;

  beforeAll(async () => {
    app = await startDeadlineApp(backend, { DEADLINE_WARNING_LEAD: '2s', SCHEDULER_SWEEP_INTERVAL: '1s' });
    token = await app.key('integration', ['461']);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
  }, 60_000);

  const post = (path: string, body: object) => app.post(token, path, body);

  async function openCaseWithNotification(): Promise<string> {
    const opened = await post('/v1/cases', {
      cpr: cprFor('2010-03-01'),
      municipality: '461',
      occurredAt: '2026-03-01T09:00:00Z',
    });
    const caseId = String(opened.caseId);
    await post(`/v1/cases/${caseId}/police-notifications`, {
      documentationId: 'pol-1',
      kind: 'interview-invitation',
      offenceCategories: ['robbery'],
      occurredAt: RECEIVED,
    });
    return caseId;
  }

  it('warns 2 s before the due instant and breaches within 1 s of it, with no fact posted after the notification', async () => {
    app.clock.setNow(new Date(Date.parse(DUE) - 3_000));
    const caseId = await openCaseWithNotification();

    const warned = await app.waitForEvent(caseId, 'ObligationDueSoon', 10_000);
    expect(warned.data).toMatchObject({
      obligationId: OBLIGATION,
      dueAt: DUE,
      warnAt: '2026-03-10T22:59:58.000Z',
    });
    const breached = await app.waitForEvent(caseId, 'ObligationBreached', 10_000);
    expect(breached.data).toMatchObject({ obligationId: OBLIGATION, dueAt: DUE });
    expect(breached.metadata.actor).toBe('scheduler');

    const warnLateMs = Date.parse(String(warned.data.detectedAt)) - Date.parse('2026-03-10T22:59:58.000Z');
    const breachLateMs = Date.parse(String(breached.data.detectedAt)) - Date.parse(DUE);
    expect(warnLateMs).toBeGreaterThanOrEqual(0);
    expect(breachLateMs).toBeGreaterThanOrEqual(0);
    expect(breachLateMs).toBeLessThan(1_000);
    const events = await app.store.readStream(`case-${caseId}`);
    expect(events.filter((event) => event.type === 'ObligationBreached')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'ObligationDueSoon')).toHaveLength(1);
  }, 30_000);

  it('neither warns nor breaches an obligation fulfilled before its due instant', async () => {
    app.clock.setNow(new Date(Date.parse(DUE) - 3_000));
    const caseId = await openCaseWithNotification();
    await post(`/v1/cases/${caseId}/network-council/convocations`, {
      councilId: 'nsr-1',
      documentationId: 'pol-1',
      invitees: [{ role: 'youth' }, { role: 'custody-holder' }],
      meetingDate: '2026-03-20',
      occurredAt: new Date(Date.parse(DUE) - 2_900).toISOString(),
    });
    // Past the due instant and one more sweep.
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    const events = await app.store.readStream(`case-${caseId}`);
    expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(['ObligationFulfilled']));
    expect(
      events.filter((event) => event.type === 'ObligationBreached' || event.type === 'ObligationDueSoon'),
    ).toEqual([]);
  }, 30_000);
});
