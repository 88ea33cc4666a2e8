import { randomBytes } from 'node:crypto';
import { createTransport, type Transporter } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { Alert, AlertChannel, AlertSender, DeliveryResult, SendContext } from '../alert';
import { renderAlertEmail } from './email-message';

export interface EmailSenderOptions {
  /** SMTP_URL: `smtp://` or `smtps://`, with credentials if the relay needs them. */
  readonly url: string;
  /** SMTP_FROM: `Name <address>` or an address. */
  readonly from: string;
  /** Connecting, the greeting and every later reply, each. Default 10 s. */
  readonly timeoutMs?: number;
}

/** Errors that say the message or its envelope is wrong: sending it again cannot help. */
const PERMANENT_WITHOUT_REPLY = new Set(['EENVELOPE', 'EMESSAGE', 'EAUTH', 'EREQUIRETLS']);

/**
 * Sends alerts as Danish e-mails over SMTP (nodemailer). An SMTP reply 4xx is temporary (retryable), 5xx is
 * permanent (not retryable), and a connection that fails or times out is retryable. Error texts carry the SMTP
 * code and nodemailer's error code, never the relay's reply text (it often repeats the recipient's address).
 */
export class EmailSender implements AlertSender {
  readonly channel = 'email' as const;
  private readonly transport: Transporter<SMTPTransport.SentMessageInfo>;
  private readonly from: string;
  private readonly messageIdDomain: string;

  constructor(options: EmailSenderOptions) {
    const timeoutMs = options.timeoutMs ?? 10_000;
    // Built here rather than by createTransport({ url, ... }), which drops every option beside a `url`.
    this.transport = createTransport(
      new SMTPTransport({
        url: options.url,
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
      }),
    );
    this.from = options.from;
    this.messageIdDomain = /@([^>\s]+)>?\s*$/.exec(options.from)?.[1] ?? 'fristvagt.invalid';
  }

  async send(alert: Alert, destination: AlertChannel, _context: SendContext): Promise<DeliveryResult> {
    if (destination.kind !== 'email') {
      return { ok: false, retryable: false, error: 'email-channel-mismatch: not an e-mail channel' };
    }
    let email;
    try {
      email = renderAlertEmail(alert);
    } catch (error) {
      return { ok: false, retryable: false, error: `email-render-failed: ${(error as Error).name}` };
    }
    const message: Mail.Options & { baseBoundary: string } = {
      from: this.from,
      to: destination.address,
      subject: email.subject,
      text: email.text,
      html: email.html,
      // The same Message-ID on every attempt lets a mail system drop a duplicate after a retry.
      messageId: `<fristvagt.${alert.alertId.replace(/[^A-Za-z0-9._-]/g, '-')}@${this.messageIdDomain}>`,
      headers: { 'Auto-Submitted': 'auto-generated' },
      disableFileAccess: true,
      disableUrlAccess: true,
      // Municipal mail gateways quarantine messages with CPR-shaped numbers (ten digits in a row); nodemailer's
      // random hex boundary has one now and then, base64url practically never.
      baseBoundary: randomBytes(12).toString('base64url'),
    };
    try {
      const info = await this.transport.sendMail(message);
      if (info.accepted.length === 0) {
        return { ok: false, retryable: false, error: 'email-recipient-rejected: no recipient was accepted' };
      }
      return { ok: true };
    } catch (error) {
      return smtpFailure(error as NodeJS.ErrnoException & { responseCode?: number; command?: string });
    }
  }

  close(): void {
    this.transport.close();
  }
}

function smtpFailure(
  error: NodeJS.ErrnoException & { responseCode?: number; command?: string },
): DeliveryResult {
  const code = typeof error.code === 'string' ? error.code : 'EUNKNOWN';
  const command =
    typeof error.command === 'string' && /^[A-Z ]{1,20}$/.test(error.command) ? error.command : '';
  const reply = typeof error.responseCode === 'number' ? error.responseCode : undefined;
  if (reply !== undefined && reply >= 400 && reply < 600) {
    const temporary = reply < 500;
    const where = command === '' ? '' : ` after ${command}`;
    return {
      ok: false,
      retryable: temporary,
      error: `${temporary ? 'email-smtp-temporary' : 'email-smtp-rejected'}: SMTP ${reply}${where} (${code})`,
    };
  }
  if (PERMANENT_WITHOUT_REPLY.has(code)) {
    return { ok: false, retryable: false, error: `email-smtp-rejected: ${code}` };
  }
  return { ok: false, retryable: true, error: `email-smtp-unreachable: ${code}` };
}
