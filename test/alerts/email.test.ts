import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { type DigestAlert, EmailSender, type ObligationAlert } from '@fristvagt/alerts';
import { type ReceivedMail, startSmtp } from './smtp-server';

/** Ten digits with an optional hyphen or space: the shape of a CPR number. */
const CPR_SHAPED = /\d{6}[- ]?\d{4}/;

const CASE_ID = '5f0c3b8e-2d41-4a7e-9c1b-7e2f4d6a8b0c';
const CASE_URL = `https://fristvagt.kommune.dk/cases/${CASE_ID}`;
const ALERT: ObligationAlert = {
  alertId: 'a1b2c3d4-e5f6-5a7b-8c9d-aebfc0d1e2f3',
  kind: 'due-soon',
  municipality: '461',
  caseId: CASE_ID,
  obligationId: 'b7e1c2d4-aa30-4f5e-8d9c-0e1f2a3b4c5d',
  ruleId: 'NSR-CONVENE',
  dueAt: '2026-03-10T23:00:00.000Z',
  detectedAt: '2026-03-08T23:00:00.000Z',
  citation: 'Serviceloven § 57 c, stk. 1 (in force 1 October 2014)',
  caseUrl: CASE_URL,
};
const CONTEXT = { subscriptionId: 'sub-1', attempt: 1 };
const TO = { kind: 'email', address: 'leder.ungeenheden@kommune.dk' } as const;

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function smtp(reply?: (recipient: string) => number) {
  const server = await startSmtp(reply);
  closers.push(server.close);
  return server;
}

function emailSender(port: number, timeoutMs?: number): EmailSender {
  const sender = new EmailSender({
    url: `smtp://127.0.0.1:${port}`,
    from: 'Fristvagt <fristvagt@kommune.dk>',
    ...(timeoutMs !== undefined && { timeoutMs }),
  });
  closers.push(() => sender.close());
  return sender;
}

/** Every header line as sent (boundaries included) and both bodies, decoded. */
function everything(mail: ParsedMail, raw: string): string[] {
  return [
    raw,
    ...mail.headerLines.map((line) => line.line),
    mail.subject ?? '',
    mail.text ?? '',
    String(mail.html),
  ];
}

describe('EmailSender against a real SMTP server', () => {
  it('sends a Danish e-mail: subject, rule, citation, Copenhagen time, municipality, case and link', async () => {
    const server = await smtp();
    expect(await emailSender(server.port).send(ALERT, TO, CONTEXT)).toEqual({ ok: true });

    expect(server.received).toHaveLength(1);
    const [message] = server.received as [ReceivedMail];
    expect(message.from).toBe('fristvagt@kommune.dk');
    expect(message.to).toEqual(['leder.ungeenheden@kommune.dk']);
    const mail = await simpleParser(message.raw);
    expect(mail.subject).toBe(
      'Frist nærmer sig: Netværkssamråd skal indkaldes senest 10. marts 2026 kl. 24.00',
    );
    expect(mail.from?.value).toEqual([{ name: 'Fristvagt', address: 'fristvagt@kommune.dk' }]);
    expect(mail.to).toMatchObject({ value: [{ address: 'leder.ungeenheden@kommune.dk' }] });
    expect(mail.messageId).toBe(`<fristvagt.${ALERT.alertId}@kommune.dk>`);
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');

    const text = mail.text ?? '';
    expect(text).toContain('Netværkssamråd skal indkaldes senest 10. marts 2026 kl. 24.00.');
    expect(text).toContain('Fristen nærmer sig, og forpligtelsen er endnu ikke opfyldt.');
    expect(text).toMatch(/Hjemmel: +Serviceloven § 57 c, stk\. 1/);
    expect(text).toMatch(/Frist: +10\. marts 2026 kl\. 24\.00/);
    expect(text).toMatch(/Varslet: +9\. marts 2026 kl\. 00\.00/);
    expect(text).toMatch(/Kommune: +461/);
    expect(text).toContain(`Se sagen: ${CASE_URL}`);
    expect(String(mail.html)).toContain(`<a href="${CASE_URL}">Se sagen</a>`);
    expect(String(mail.html)).toContain('Netværkssamråd skal indkaldes senest 10. marts 2026 kl. 24.00.');

    for (const part of everything(mail, message.raw)) expect(part).not.toMatch(CPR_SHAPED);
  });

  it('sends the digest with both sections', async () => {
    const server = await smtp();
    const digest: DigestAlert = {
      alertId: 'c0ffee00-aaaa-5bbb-8ccc-deadbeefcafe',
      kind: 'digest',
      municipality: '461',
      since: '2026-03-09T06:00:00.000Z',
      at: '2026-03-10T06:00:00.000Z',
      dueSoon: [
        {
          caseId: CASE_ID,
          obligationId: ALERT.obligationId,
          ruleId: 'CP-FOLLOWUP-1',
          dueAt: '2026-03-29T22:00:00.000Z',
          breachDetectedAt: null,
          citation: 'Barnets lov § 95',
          caseUrl: CASE_URL,
        },
      ],
      breached: [
        {
          caseId: CASE_ID,
          obligationId: ALERT.obligationId,
          ruleId: 'AC-ASSESS',
          dueAt: '2026-03-09T23:00:00.000Z',
          breachDetectedAt: '2026-03-09T23:00:01.000Z',
          citation: 'Barnets lov § 111',
          caseUrl: CASE_URL,
        },
      ],
    };
    expect(await emailSender(server.port).send(digest, TO, CONTEXT)).toEqual({ ok: true });
    const mail = await simpleParser(server.received[0]!.raw);
    expect(mail.subject).toBe('Daglig oversigt: 1 frist de næste 7 dage, 1 overskredet (kommune 461)');
    expect(mail.text).toContain('Frister de næste 7 dage (1):');
    expect(mail.text).toContain(
      '- Første opfølgning på kontaktpersonordningen skal foretages senest 29. marts 2026 kl. 24.00',
    );
    expect(mail.text).toContain('Overskredet siden 9. marts 2026 kl. 07.00 (1):');
    expect(mail.text).toContain(
      '- Afgørelse om efterværn (ungestøtte) skal træffes senest 9. marts 2026 kl. 24.00, overskridelse registreret 10. marts 2026 kl. 00.00',
    );
    for (const part of everything(mail, server.received[0]!.raw)) expect(part).not.toMatch(CPR_SHAPED);
  });

  it.each([
    [450, true, 'email-smtp-temporary: SMTP 450 after RCPT TO (EENVELOPE)'],
    [451, true, 'email-smtp-temporary: SMTP 451 after RCPT TO (EENVELOPE)'],
    [550, false, 'email-smtp-rejected: SMTP 550 after RCPT TO (EENVELOPE)'],
    [553, false, 'email-smtp-rejected: SMTP 553 after RCPT TO (EENVELOPE)'],
  ])(
    'a %i reply is retryable: %s, without the relay’s text or the address',
    async (code, retryable, error) => {
      const server = await smtp(() => code);
      const result = await emailSender(server.port).send(ALERT, TO, CONTEXT);
      expect(result).toEqual({ ok: false, retryable, error });
      expect(server.received).toHaveLength(0);
    },
  );

  it('a relay that cannot be reached is retryable', async () => {
    const server = await startSmtp();
    await server.close();
    const result = await emailSender(server.port).send(ALERT, TO, CONTEXT);
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(!result.ok && result.error).toMatch(/^email-smtp-unreachable: E[A-Z]+$/);
  });

  it('a relay that never greets times out, retryably', async () => {
    const silent: TcpServer = createTcpServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    closers.push(() => {
      silent.close();
    });
    const started = Date.now();
    const result = await emailSender((silent.address() as AddressInfo).port, 300).send(ALERT, TO, CONTEXT);
    expect(result).toEqual({ ok: false, retryable: true, error: 'email-smtp-unreachable: ETIMEDOUT' });
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
