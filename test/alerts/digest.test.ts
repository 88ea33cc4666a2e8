import { cprFor } from '../support/api';
import { type DeadlineApp, startDeadlineApp } from '../support/deadline-app';
import { type Receiver, startReceiver, verifyLikeTheDocs } from './receivers';

/**
 * The daily digest: once DIGEST_AT (Copenhagen) has passed, each digest subscription gets one digest for the
 * day with what falls due in the next 7 days and what was breached since its previous digest (or since it
 * subscribed), and no second one that day however often the sweep runs.
 */
describe('the daily digest (embedded)', () => {
  let app: DeadlineApp;
  let receiver: Receiver;
  let secret = '';
  const digests: Array<{ id: string; data: Record<string, unknown> }> = [];

  beforeAll(async () => {
    receiver = await startReceiver((request, response, body) => {
      if (!verifyLikeTheDocs(secret, request.headers, body)) {
        response.writeHead(401).end();
        return;
      }
      const { data } = JSON.parse(body) as { data: Record<string, unknown> };
      if (data.kind === 'digest') digests.push({ id: String(request.headers['webhook-id']), data });
      response.writeHead(204).end();
    });
    app = await startDeadlineApp('embedded', {
      SCHEDULER_SWEEP_INTERVAL: '500ms',
      DIGEST_AT: '07:00',
      ALERT_ALLOWED_NETWORKS: '127.0.0.1',
    });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await receiver?.close();
  }, 60_000);

  const post = (token: string, path: string, body: object) => app.post(token, path, body);

  async function caseWithNotification(token: string, receivedAt: string): Promise<string> {
    const opened = await post(token, '/v1/cases', {
      cpr: cprFor('2010-03-01'),
      municipality: '461',
      occurredAt: '2026-02-01T09:00:00Z',
    });
    const caseId = String(opened.caseId);
    await post(token, `/v1/cases/${caseId}/police-notifications`, {
      documentationId: 'pol-1',
      kind: 'weekly-report',
      offenceCategories: ['violence'],
      occurredAt: receivedAt,
    });
    return caseId;
  }

  it('sends one digest a day after DIGEST_AT with the coming week and the breaches since subscribing', async () => {
    // 06:50 in Copenhagen: before the digest's time.
    app.clock.setNow('2026-03-20T05:50:00.000Z');
    const integration = await app.key('integration', ['461']);
    const supervisor = await app.key('supervisor', ['461']);
    const dueNextWeek = await caseWithNotification(integration, '2026-03-18T10:00:00.000Z');
    const subscription = await post(supervisor, '/v1/alerts/subscriptions', {
      municipality: '461',
      channel: { kind: 'webhook', url: `http://127.0.0.1:${receiver.port}/digest` },
      // Only the digest in this test: late fulfilments do not happen here.
      kinds: ['fulfilled-late'],
      digest: true,
    });
    secret = String(subscription.secret);
    const breachedSince = await caseWithNotification(integration, '2026-03-10T10:00:00.000Z');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(digests).toEqual([]);

    // 07:01 in Copenhagen.
    app.clock.setNow('2026-03-20T06:01:00.000Z');
    const deadline = Date.now() + 10_000;
    while (digests.length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    expect(digests).toHaveLength(1);
    const [digest] = digests;
    expect(digest.data).toMatchObject({ kind: 'digest', municipality: '461', alertId: digest.id });
    const dueSoon = digest.data.dueSoon as Array<{ caseId: string; ruleId: string }>;
    const breached = digest.data.breached as Array<{ caseId: string; ruleId: string }>;
    expect(dueSoon).toEqual([expect.objectContaining({ caseId: dueNextWeek, ruleId: 'NSR-CONVENE' })]);
    expect(breached).toEqual([expect.objectContaining({ caseId: breachedSince, ruleId: 'NSR-CONVENE' })]);
  }, 60_000);
});
