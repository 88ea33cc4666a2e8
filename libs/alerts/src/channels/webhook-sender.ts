import { request as httpRequest, STATUS_CODES, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import { type Clock, systemClock } from '@fristvagt/config';
import type { Alert, AlertChannel, AlertSender, DeliveryResult, SendContext } from '../alert';
import {
  type AddressLookup,
  type CheckedDestination,
  type DestinationPolicy,
  pinnedLookup,
  resolveAndCheck,
  systemLookup,
} from './destination-guard';
import { signWebhook, webhookSecretKey } from './webhook-signature';

/** The destination policy (ALERT_ALLOW_HTTP, ALERT_ALLOWED_NETWORKS) and how an attempt is made. */
export interface WebhookSenderOptions extends DestinationPolicy {
  /** The whole attempt: resolving, connecting, sending and the response's status line. Default 10 s. */
  readonly timeoutMs?: number;
  readonly clock?: Clock;
  /** Resolves host names; default `dns.promises.lookup` with `all: true`. */
  readonly lookup?: AddressLookup;
  /** CA certificates trusted besides the public ones (a receiver with a certificate from an internal CA). */
  readonly extraCaCertificates?: readonly string[];
}

/** The JSON body of every webhook. */
export interface WebhookPayload {
  readonly type: `fristvagt.alert.${Alert['kind']}`;
  /** ISO UTC: when this attempt was made (the alert's own instants are in `data`). */
  readonly timestamp: string;
  readonly data: Alert;
}

export const WEBHOOK_USER_AGENT = 'Fristvagt-Webhooks/1';

/** A response body is drained up to this much and then cut off: nothing in it is read. */
const MAX_DRAINED_BYTES = 64 * 1024;

/** 4xx statuses that say "not now" rather than "never". */
const RETRYABLE_CLIENT_ERRORS = new Set([408, 409, 425, 429]);

export function webhookPayload(alert: Alert, now: Date): WebhookPayload {
  return { type: `fristvagt.alert.${alert.kind}`, timestamp: now.toISOString(), data: alert };
}

/**
 * Delivers alerts as signed JSON POSTs (Standard Webhooks). Per attempt: the URL is checked and its host
 * resolved (destination-guard), the request goes to the checked address only, redirects are not followed.
 *
 * Outcome: 2xx is delivered. 5xx, 408, 409, 425, 429, a timeout, a failed DNS lookup and a network error are
 * retryable. Any other 4xx, a 3xx (a receiver that moved must be re-subscribed: following a redirect would
 * bypass the destination check) and a refused destination are not. The error text is the status and its
 * standard reason phrase: nothing the receiver sent back, which is untrusted and could hold anything.
 */
export class WebhookSender implements AlertSender {
  readonly channel = 'webhook' as const;
  private readonly policy: DestinationPolicy;
  private readonly timeoutMs: number;
  private readonly clock: Clock;
  private readonly lookup: AddressLookup;
  private readonly ca: readonly string[] | undefined;

  constructor(options: WebhookSenderOptions) {
    this.policy = { allowHttp: options.allowHttp, allowedNetworks: options.allowedNetworks };
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.clock = options.clock ?? systemClock;
    this.lookup = options.lookup ?? systemLookup;
    this.ca =
      options.extraCaCertificates === undefined || options.extraCaCertificates.length === 0
        ? undefined
        : [...rootCertificates, ...options.extraCaCertificates];
  }

  async send(alert: Alert, destination: AlertChannel, context: SendContext): Promise<DeliveryResult> {
    if (destination.kind !== 'webhook') {
      return failure(false, 'webhook-channel-mismatch', 'not a webhook channel');
    }
    const secrets = (context.secrets ?? []).filter((secret) => webhookSecretKey(secret) !== undefined);
    if (secrets.length === 0) {
      return failure(false, 'webhook-secret-missing', 'no valid whsec_ signing secret for this subscription');
    }
    const deadline = Date.now() + this.timeoutMs;
    try {
      const checked = await withDeadline(
        resolveAndCheck(destination.url, this.policy, this.lookup),
        deadline,
      );
      if (checked === 'timeout') return timedOut(this.timeoutMs);
      if (!checked.ok) {
        return failure(checked.code === 'webhook-destination-unresolvable', checked.code, checked.message);
      }
      const now = this.clock.now();
      const body = JSON.stringify(webhookPayload(alert, now));
      const timestamp = Math.floor(now.getTime() / 1000);
      const headers = {
        'content-type': 'application/json',
        'user-agent': WEBHOOK_USER_AGENT,
        'webhook-id': alert.alertId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(secrets, alert.alertId, timestamp, body),
        'content-length': String(Buffer.byteLength(body)),
      };
      return await this.post(checked, headers, body, deadline);
    } catch (error) {
      return networkFailure(error);
    }
  }

  private post(
    destination: CheckedDestination,
    headers: Record<string, string>,
    body: string,
    deadline: number,
  ): Promise<DeliveryResult> {
    const { url, hostname } = destination;
    const https = url.protocol === 'https:';
    return new Promise<DeliveryResult>((resolve) => {
      let settled = false;
      const settle = (result: DeliveryResult): void => {
        if (!settled) {
          settled = true;
          resolve(result);
        }
      };
      const request = (https ? httpsRequest : httpRequest)({
        method: 'POST',
        protocol: url.protocol,
        hostname,
        port: url.port === '' ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
        headers,
        // A fresh connection each time: a pooled socket could lead to an address checked for another request.
        agent: false,
        lookup: pinnedLookup(destination),
        ...(https && isIP(hostname) === 0 && { servername: hostname }),
        ...(https && this.ca !== undefined && { ca: [...this.ca] }),
      });
      const timer = setTimeout(
        () => {
          settle(timedOut(this.timeoutMs));
          request.destroy();
        },
        Math.max(0, deadline - Date.now()),
      );
      request.once('close', () => clearTimeout(timer));
      request.on('error', (error) => settle(networkFailure(error)));
      request.once('response', (response) => {
        settle(statusResult(response.statusCode ?? 0));
        drain(response);
      });
      request.end(body);
    });
  }
}

function statusResult(status: number): DeliveryResult {
  if (status >= 200 && status < 300) return { ok: true, status };
  const reason = STATUS_CODES[status] ?? 'Unknown Status';
  if (status >= 300 && status < 400) {
    return {
      ok: false,
      retryable: false,
      status,
      error: `webhook-redirect: HTTP ${status} ${reason} (redirects are not followed; subscribe the new URL)`,
    };
  }
  const retryable = status >= 500 || RETRYABLE_CLIENT_ERRORS.has(status);
  return { ok: false, retryable, status, error: `webhook-http-status: HTTP ${status} ${reason}` };
}

/** Reads and discards the body so the connection closes cleanly, up to a limit; a receiver cannot hold us. */
function drain(response: IncomingMessage): void {
  let received = 0;
  response.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > MAX_DRAINED_BYTES) response.destroy();
  });
  response.on('error', () => undefined);
}

function timedOut(timeoutMs: number): DeliveryResult {
  return failure(true, 'webhook-timeout', `no response within ${timeoutMs} ms`);
}

/** Only the error's code (ECONNREFUSED, CERT_HAS_EXPIRED, ...): a message can quote what the peer sent. */
function networkFailure(error: unknown): DeliveryResult {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const safe = typeof code === 'string' && /^[A-Z0-9_]{1,64}$/.test(code) ? code : 'unknown network error';
  return failure(true, 'webhook-network-error', safe);
}

function failure(retryable: boolean, code: string, message: string): DeliveryResult {
  return { ok: false, retryable, error: `${code}: ${message}` };
}

async function withDeadline<T>(promise: Promise<T>, deadline: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
