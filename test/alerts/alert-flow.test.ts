import { simpleParser } from 'mailparser';
import { verifyWebhook } from '@fristvagt/alerts';
import { cprFor } from '../support/api';
import { type DeadlineApp, type DeadlineBackend, startDeadlineApp } from '../support/deadline-app';
import { type Receiver, startReceiver, verifyLikeTheDocs } from './receivers';
import { startSmtp } from './smtp-server';
import { connect, type StreamClient } from './sse-client';

/**
 * Alerts end to end, on each backend: a supervisor subscribes a webhook and an e-mail address to 461's
 * alerts; the deadline engine finds warnings and breaches; the alerts reactor delivers them. The clock is set
 * so that a network council's due instant (the Copenhagen midnight after day 7) lies seconds ahead when
 * needed, and DEADLINE_WARNING_LEAD=2s makes the warning fall 2 s before it.
 */
const RECEIVED = '2026-03-03T10:00:00.000Z';
const DUE = '2026-03-10T23:00:00.000Z';
/**
 * The youth's CPR number in every form a person might write it. (A bare "ten digits" pattern would also
 * match some random UUIDs, which alerts rightly carry, and make the test fail by chance.)
 */
const CPR = cprFor('2010-03-01');
const CPR_FORMS = new RegExp(
  `${CPR.slice(0, 6)}[-–. ]?${CPR.slice(6)}|${CPR.slice(0, 2)}\\.${CPR.slice(2, 4)}\\.${CPR.slice(4, 6)}`,
);

interface Delivery {
  readonly kind: string;
  readonly caseId: string;
  readonly at: number;
}

const BACKENDS: DeadlineBackend[] = ['bullmq-redis', 'bullmq-postgres', 'embedded'];

describe.each(BACKENDS)('alerts on %s', (backend) => {
  let app: DeadlineApp;
  let receiver: Receiver;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let integration: string;
  let supervisor: string;
  let secret: string;
  let stream: StreamClient | undefined;
  const hooks: Delivery[] = [];
  const mails: Delivery[] = [];

  beforeAll(async () => {
    receiver = await startReceiver((request, response, body) => {
      const headers = request.headers;
      // Verified as a receiver would, before it acts on anything.
      const ok =
        verifyLikeTheDocs(secret, headers, body) && verifyWebhook(secret, headers, body, new Date()).ok;
      if (!ok) {
        response.writeHead(401).end();
        return;
      }
      const { data } = JSON.parse(body) as { data: { kind: string; caseId: string } };
      hooks.push({ kind: data.kind, caseId: data.caseId, at: Date.now() });
      response.writeHead(204).end();
    });
    smtp = await startSmtp();
    app = await startDeadlineApp(backend, {
      DEADLINE_WARNING_LEAD: '2s',
      SCHEDULER_SWEEP_INTERVAL: '1s',
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      ALERT_ALLOWED_NETWORKS: '127.0.0.1',
      PUBLIC_URL: 'https://fristvagt.kommune.dk',
    });
    integration = await app.key('integration', ['461']);
    supervisor = await app.key('supervisor', ['461']);
    const webhook = await post(supervisor, '/v1/alerts/subscriptions', {
      municipality: '461',
      channel: { kind: 'webhook', url: `http://127.0.0.1:${receiver.port}/fristvagt` },
    });
    secret = String(webhook.secret);
    await post(supervisor, '/v1/alerts/subscriptions', {
      municipality: '461',
      channel: { kind: 'email', address: 'leder.ungeenheden@kommune.dk' },
    });
    if (backend === 'embedded') stream = await connect(app.running.url, supervisor);
  }, 90_000);

  afterAll(async () => {
    stream?.close();
    await app?.close();
    await receiver?.close();
    await smtp?.close();
  }, 60_000);

  /** Collects the mails the SMTP server has received so far, parsed. */
  async function readMail(): Promise<void> {
    while (smtp.received.length > 0) {
      const raw = smtp.received.shift()!.raw;
      const parsed = await simpleParser(raw);
      expect(raw).not.toMatch(CPR_FORMS);
      const caseId = /sager\/([0-9a-f-]{36})/.exec(parsed.text ?? '')?.[1] ?? '';
      const kind = /^Frist overskredet/.test(parsed.subject ?? '')
        ? 'breached'
        : /^Frist nærmer sig/.test(parsed.subject ?? '')
          ? 'due-soon'
          : String(parsed.subject);
      mails.push({ kind, caseId, at: Date.now() });
    }
  }

  const post = (token: string, path: string, body: object) => app.post(token, path, body);

  async function notification(occurredAt: string): Promise<string> {
    const opened = await post(integration, '/v1/cases', {
      cpr: cprFor('2010-03-01'),
      municipality: '461',
      occurredAt: '2026-02-01T09:00:00Z',
    });
    const caseId = String(opened.caseId);
    await post(integration, `/v1/cases/${caseId}/police-notifications`, {
      documentationId: 'pol-1',
      kind: 'interview-invitation',
      offenceCategories: ['robbery'],
      occurredAt,
    });
    return caseId;
  }

  async function until(
    what: () => Promise<boolean> | boolean,
    timeoutMs: number,
    label: string,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await what())) {
      if (Date.now() > deadline) {
        throw new Error(
          `${label} within ${timeoutMs} ms; webhooks ${JSON.stringify(hooks)}, mails ${JSON.stringify(mails)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  const got = (list: Delivery[], caseId: string, kind: string) =>
    list.find((d) => d.caseId === caseId && d.kind === kind);

  it('delivers a backdated breach to the webhook (signature verified) and the mailbox within 2 s', async () => {
    app.clock.setNow('2026-03-20T12:00:00.000Z');
    const posted = Date.now();
    const caseId = await notification(RECEIVED);

    await until(
      async () =>
        (await readMail(), got(hooks, caseId, 'breached') && got(mails, caseId, 'breached')) !== undefined,
      10_000,
      'no breach alert on both channels',
    );
    expect(got(hooks, caseId, 'breached')!.at - posted).toBeLessThan(2_000);
    expect(got(mails, caseId, 'breached')!.at - posted).toBeLessThan(2_000);
    if (stream !== undefined) {
      await stream.waitFor((event) => event.event === 'breached' && event.data.caseId === caseId, 2_000);
    }
    // The backdated notification is posted after the warning instant too: warned and breached at once.
    const webhookBodies = receiver.received.filter((r) => r.body.includes(caseId));
    expect(webhookBodies.length).toBeGreaterThan(0);
    for (const request of webhookBodies) expect(request.body).not.toMatch(CPR_FORMS);
  }, 30_000);

  it('warns, then breaches, a deadline that falls due 3 s after the notification', async () => {
    app.clock.setNow(new Date(Date.parse(DUE) - 3_000));
    const caseId = await notification(RECEIVED);

    await until(
      async () =>
        (await readMail(), got(hooks, caseId, 'due-soon') && got(mails, caseId, 'due-soon')) !== undefined,
      10_000,
      'no warning',
    );
    await until(
      async () =>
        (await readMail(), got(hooks, caseId, 'breached') && got(mails, caseId, 'breached')) !== undefined,
      10_000,
      'no breach',
    );
    expect(got(hooks, caseId, 'due-soon')!.at).toBeLessThan(got(hooks, caseId, 'breached')!.at);
    if (stream !== undefined) {
      await stream.waitFor((event) => event.event === 'due-soon' && event.data.caseId === caseId, 2_000);
      await stream.waitFor((event) => event.event === 'breached' && event.data.caseId === caseId, 2_000);
    }
  }, 30_000);

  it('sends nothing for a deadline met in time', async () => {
    app.clock.setNow(new Date(Date.parse(DUE) - 3_000));
    const caseId = await notification(RECEIVED);
    await post(integration, `/v1/cases/${caseId}/network-council/convocations`, {
      councilId: 'nsr-1',
      documentationId: 'pol-1',
      invitees: [{ role: 'youth' }, { role: 'custody-holder' }],
      meetingDate: '2026-03-20',
      occurredAt: new Date(Date.parse(DUE) - 2_900).toISOString(),
    });
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    await readMail();
    expect([...hooks, ...mails].filter((d) => d.caseId === caseId)).toEqual([]);
  }, 30_000);
});
