import type { Clock } from '@fristvagt/config';
import type { EventStore, NewEvent, RecordedEvent } from '@fristvagt/event-store';
import type { ObligationsReadModel } from '@fristvagt/projections';
import type { AlertSender, DeliveryResult, DigestAlert, DigestEntry } from './alert';
import {
  DELIVERY_STREAM_PREFIX,
  deliveryStream,
  type AlertDeliveryAttemptFailed,
  type AlertDelivered,
  type AlertDeliveryFailed,
  type AlertDigestPrepared,
} from './alert-events';
import type { AlertsReadModel, DeliveryToSend, SubscriptionView } from './alerts-read-model';
import { caseUrl } from './alerts.projection';
import { stableUuid } from './stable-id';

/** The job that sends one delivery; the delivery's id is the job's id, so queueing it twice sends it once. */
export interface DeliveryJob {
  readonly deliveryId: string;
}

/** The little the dispatcher needs of a job queue (libs/scheduling's JobQueue). */
export interface DeliveryQueue {
  add(jobs: ReadonlyArray<{ readonly id: string; readonly data: DeliveryJob }>): Promise<void>;
}

/** Thrown to give up on a delivery at once: retrying cannot help. */
export interface PermanentFailureFactory {
  (message: string): Error;
}

export interface AlertDispatcherOptions {
  readonly maxAttempts: number;
  readonly publicUrl: string;
  /** DIGEST_AT, local Copenhagen HH:MM. */
  readonly digestAt: string;
  /** Webhook signing secret of a subscription's secret version. */
  readonly webhookSecret: (subscriptionId: string, version: number) => string;
  /** Makes the error that tells the queue not to try again (PermanentJobFailure). */
  readonly permanentFailure: PermanentFailureFactory;
  /** A delivery was made or given up; for logs and metrics. */
  readonly onOutcome?: (delivery: DeliveryToSend, result: DeliveryResult, final: boolean) => void;
}

/** Deliveries older than this that are still pending are queued again by the sweep (their job may be lost). */
const REQUEUE_AFTER_MS = 30_000;

const ALERTING = new Set([
  'ObligationDueSoon',
  'ObligationBreached',
  'ObligationFulfilled',
  'AlertDeliveryFailed',
]);

/**
 * Turns the deliveries the alerts projection records into sends, at least once: each is queued when its
 * batch commits and again by the sweep while it stays pending; each attempt's outcome is appended to the
 * delivery's stream with an id derived from the delivery and attempt, so a repeated append writes nothing.
 */
export class AlertDispatcher {
  constructor(
    private readonly store: EventStore,
    private readonly readModel: AlertsReadModel,
    private readonly obligations: ObligationsReadModel,
    private readonly queue: DeliveryQueue,
    private readonly senders: ReadonlyMap<string, AlertSender>,
    private readonly clock: Clock,
    private readonly options: AlertDispatcherOptions,
  ) {}

  /** After the alerts projection committed a batch: queue the deliveries it created or re-opened. */
  async afterCommit(events: readonly RecordedEvent[]): Promise<void> {
    const sources: string[] = [];
    const direct: string[] = [];
    for (const event of events) {
      if (event.streamName.startsWith(DELIVERY_STREAM_PREFIX)) {
        if (event.type === 'AlertDigestPrepared' || event.type === 'AlertResendRequested') {
          direct.push(String(event.data.deliveryId));
        }
      } else if (ALERTING.has(event.type)) {
        sources.push(event.id);
      }
    }
    const ids = [...direct, ...(sources.length === 0 ? [] : await this.readModel.deliveriesFrom(sources))];
    await this.enqueue(ids);
  }

  /** Queues again what is still pending after a while, and prepares the digests that are due. */
  async sweep(): Promise<void> {
    const now = this.clock.now();
    await this.enqueue(await this.readModel.pending(REQUEUE_AFTER_MS, 50_000));
    await this.prepareDigests(now);
  }

  /** One attempt at one delivery (the queue's handler). Throws to be retried. */
  async deliver(deliveryId: string, attempt: number): Promise<void> {
    const toSend = await this.readModel.toSend(deliveryId);
    if (toSend === undefined || toSend.delivery.status !== 'pending') return;
    const { delivery, alert, subscription } = toSend;
    if (subscription.removedAt !== null) {
      await this.fail(toSend, attempt, {
        ok: false,
        retryable: false,
        error: 'the subscription was removed',
      });
      return;
    }
    const sender = this.senders.get(subscription.channel.kind);
    if (sender === undefined) {
      throw this.options.permanentFailure(`no ${subscription.channel.kind} channel is configured`);
    }
    const result = await sender.send(alert, subscription.channel, {
      subscriptionId: subscription.subscriptionId,
      attempt,
      ...(subscription.channel.kind === 'webhook' && { secrets: this.secretsOf(subscription) }),
    });
    const at = this.clock.now().toISOString();
    const round = String(delivery.resends);
    if (result.ok) {
      const data: AlertDelivered['data'] = { deliveryId, attempt, status: result.status ?? null, at };
      await this.append(
        delivery.municipality,
        deliveryId,
        'AlertDelivered',
        data,
        ['delivered', round],
        toSend,
      );
      this.options.onOutcome?.(toSend, result, true);
      return;
    }
    if (!result.retryable || attempt >= this.options.maxAttempts) {
      throw this.options.permanentFailure(result.error);
    }
    const data: AlertDeliveryAttemptFailed['data'] = {
      deliveryId,
      attempt,
      status: result.status ?? null,
      error: result.error,
      retrying: true,
      at,
    };
    await this.append(
      delivery.municipality,
      deliveryId,
      'AlertDeliveryAttemptFailed',
      data,
      ['attempt', round, String(attempt)],
      toSend,
    );
    this.options.onOutcome?.(toSend, result, false);
    throw new Error(result.error);
  }

  /** After the last attempt (or a permanent failure): recorded, and so reported to the municipality's admins. */
  async failed(deliveryId: string, attempt: number, error: unknown): Promise<void> {
    const toSend = await this.readModel.toSend(deliveryId);
    if (toSend === undefined || toSend.delivery.status !== 'pending') return;
    const message = error instanceof Error ? error.message : String(error);
    await this.fail(toSend, attempt, { ok: false, retryable: false, error: message });
  }

  private async fail(
    toSend: DeliveryToSend,
    attempt: number,
    result: DeliveryResult & { ok: false },
  ): Promise<void> {
    const { delivery } = toSend;
    const data: AlertDeliveryFailed['data'] = {
      deliveryId: delivery.deliveryId,
      attempts: attempt,
      status: result.status ?? null,
      error: result.error.slice(0, 500),
      at: this.clock.now().toISOString(),
    };
    await this.append(
      delivery.municipality,
      delivery.deliveryId,
      'AlertDeliveryFailed',
      data,
      ['failed', String(delivery.resends)],
      toSend,
    );
    this.options.onOutcome?.(toSend, result, true);
  }

  private secretsOf(subscription: SubscriptionView): string[] {
    const secrets: string[] = [];
    if (subscription.secretVersion !== null) {
      secrets.push(this.options.webhookSecret(subscription.subscriptionId, subscription.secretVersion));
    }
    if (
      subscription.previousVersion !== null &&
      subscription.previousValidUntil !== null &&
      Date.parse(subscription.previousValidUntil) > this.clock.now().getTime()
    ) {
      secrets.push(this.options.webhookSecret(subscription.subscriptionId, subscription.previousVersion));
    }
    return secrets;
  }

  private async enqueue(deliveryIds: readonly string[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    await this.queue.add(
      deliveryIds.map((deliveryId) => ({ id: `delivery-${deliveryId}`, data: { deliveryId } })),
    );
  }

  /**
   * Each digest subscription gets one digest a day, at DIGEST_AT Copenhagen time: what falls due in the next
   * 7 days and what was breached since the previous digest. Its delivery and event ids are derived from the
   * subscription and the local date, so two workers preparing it at once write it once.
   */
  private async prepareDigests(now: Date): Promise<void> {
    const today = copenhagenDate(now);
    if (copenhagenTime(now) < this.options.digestAt) return;
    const subscriptions = (await this.readModel.subscriptions(null)).filter((s) => s.digest);
    for (const subscription of subscriptions) {
      const deliveryId = stableUuid('digest', subscription.subscriptionId, today);
      if ((await this.readModel.delivery(deliveryId)) !== undefined) continue;
      const since =
        (await this.readModel.lastDigestAt(subscription.subscriptionId)) ?? subscription.createdAt;
      const at = now.toISOString();
      const until = new Date(now.getTime() + 7 * 86_400_000).toISOString();
      const scope = {
        municipalities: [subscription.municipality],
        ...(subscription.ruleIds !== null && { ruleIds: subscription.ruleIds }),
      };
      const dueSoon = await this.obligations.list(
        { ...scope, states: ['open', 'due-soon'], dueAfter: at, dueBefore: until },
        null,
        500,
      );
      const breached = (
        await this.obligations.list({ ...scope, states: ['breached'] }, null, 500)
      ).items.filter((o) => o.breachDetectedAt !== null && o.breachDetectedAt >= since);
      const entry = (o: (typeof breached)[number]): DigestEntry => ({
        caseId: o.caseId,
        obligationId: o.obligationId,
        ruleId: o.ruleId,
        dueAt: o.dueAt,
        breachDetectedAt: o.breachDetectedAt,
        citation: o.citation,
        caseUrl: caseUrl(this.options.publicUrl, o.caseId),
      });
      const alert: DigestAlert = {
        alertId: deliveryId,
        kind: 'digest',
        municipality: subscription.municipality,
        since,
        at,
        dueSoon: dueSoon.items.map(entry),
        breached: breached.map(entry),
      };
      const data: AlertDigestPrepared['data'] = {
        deliveryId,
        subscriptionId: subscription.subscriptionId,
        alert,
      };
      await this.append(subscription.municipality, deliveryId, 'AlertDigestPrepared', data, [
        'digest-prepared',
      ]);
    }
  }

  /**
   * An outcome carries the correlation id of the event that owed the delivery (the command that set the
   * deadline) and that event's id as its causation; a digest prepared starts its own correlation.
   */
  private async append(
    municipality: string,
    deliveryId: string,
    type: string,
    data: object,
    idParts: readonly string[],
    cause?: Pick<DeliveryToSend, 'correlationId' | 'sourceEventId'>,
  ): Promise<void> {
    const event: NewEvent = {
      id: stableUuid(deliveryId, ...idParts),
      type,
      data: data as Record<string, unknown>,
      metadata: {
        municipality,
        actor: 'alerts',
        occurredAt: this.clock.now().toISOString(),
        correlationId: cause?.correlationId ?? deliveryId,
        causationId: cause?.sourceEventId ?? null,
        schemaVersion: 1,
      },
    };
    await this.store.append(deliveryStream(deliveryId), [event], { expectedRevision: 'any' });
  }
}

const LOCAL_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Copenhagen',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
const LOCAL_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Copenhagen',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function copenhagenDate(at: Date): string {
  return LOCAL_DATE.format(at);
}

function copenhagenTime(at: Date): string {
  return LOCAL_TIME.format(at);
}
