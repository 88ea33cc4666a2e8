import type {
  ObligationBreached,
  ObligationDueSoon,
  ObligationFulfilled,
  ObligationOpened,
} from '@fristvagt/domain';
import type { RecordedEvent, SqlTransaction } from '@fristvagt/event-store';
import { bareName, type Projection, type TableNames } from '@fristvagt/projections';
import type { AlertChannel, AlertKind, ObligationAlert } from './alert';
import {
  DELIVERY_STREAM_PREFIX,
  SUBSCRIPTION_STREAM_PREFIX,
  type AlertDeliveryAttemptFailed,
  type AlertDelivered,
  type AlertDeliveryFailed,
  type AlertDigestPrepared,
  type AlertSubscriptionChanged,
  type AlertSubscriptionCreated,
  type WebhookSecretRotated,
} from './alert-events';
import { stableUuid } from './stable-id';

const CASE_STREAM_PREFIX = 'case-';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface AlertsProjectionOptions {
  /** PUBLIC_URL: the case links in alerts point into the supervisors' page there. */
  readonly publicUrl: string;
}

/** Where the supervisors' page shows a case. */
export function caseUrl(publicUrl: string, caseId: string): string {
  return `${publicUrl}/app/#/sager/${caseId}`;
}

/**
 * The alerts read model: subscriptions, the obligations alerts speak of, and every delivery owed with what
 * became of it. Obligation events become deliveries for the subscriptions that exist at that point of the log,
 * in the same transaction as the checkpoint, so each alert is owed exactly once per subscription, however
 * often the worker crashes; the delivery id is stable (subscription and source event), and receivers
 * de-duplicate by it.
 */
export function alertsProjection(options: AlertsProjectionOptions): Projection {
  return {
    name: 'alerts',
    // 2: deliveries keep the correlation id of their source event, for the dispatcher's logs and events.
    version: 2,
    tables: ['subscriptions', 'alert_obligations', 'deliveries'],

    async setup(tx: SqlTransaction, t: TableNames): Promise<void> {
      const d = bareName(t.deliveries);
      const s = bareName(t.subscriptions);
      await tx.exec(`
CREATE TABLE ${t.subscriptions} (
  subscription_id      text        PRIMARY KEY,
  municipality         text        NOT NULL,
  channel              json        NOT NULL,
  rule_ids             text[],
  kinds                text[]      NOT NULL,
  digest               boolean     NOT NULL,
  secret_version       integer,
  previous_version     integer,
  previous_valid_until timestamptz,
  created_by           text        NOT NULL,
  created_at           timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL,
  removed_at           timestamptz
);
CREATE INDEX ${s}_municipality ON ${t.subscriptions} (municipality) WHERE removed_at IS NULL;
CREATE TABLE ${t.alert_obligations} (
  case_id       text NOT NULL,
  obligation_id text NOT NULL,
  rule_id       text NOT NULL,
  citation      text NOT NULL,
  due_at        timestamptz,
  PRIMARY KEY (case_id, obligation_id)
);
CREATE TABLE ${t.deliveries} (
  delivery_id     text        PRIMARY KEY,
  subscription_id text        NOT NULL,
  municipality    text        NOT NULL,
  kind            text        NOT NULL,
  channel_kind    text        NOT NULL,
  case_id         text,
  obligation_id   text,
  rule_id         text,
  payload         json        NOT NULL,
  source_event_id text        NOT NULL,
  correlation_id  text,
  created_at      timestamptz NOT NULL,
  status          text        NOT NULL DEFAULT 'pending',
  attempts        integer     NOT NULL DEFAULT 0,
  last_status     integer,
  last_error      text,
  last_attempt_at timestamptz,
  delivered_at    timestamptz,
  failed_at       timestamptz,
  resends         integer     NOT NULL DEFAULT 0
);
CREATE INDEX ${d}_pending ON ${t.deliveries} (created_at) WHERE status = 'pending';
CREATE INDEX ${d}_municipality ON ${t.deliveries} (municipality, created_at, delivery_id);
CREATE INDEX ${d}_source ON ${t.deliveries} (source_event_id);
CREATE INDEX ${d}_subscription ON ${t.deliveries} (subscription_id, kind, created_at);
`);
    },

    async apply(tx: SqlTransaction, events: readonly RecordedEvent[], t: TableNames): Promise<void> {
      const batch = new AlertsBatch(options, tx, t);
      await batch.load(events);
      for (const event of events) batch.add(event);
      await batch.write();
    },
  };
}

interface SubscriptionRow {
  subscriptionId: string;
  municipality: string;
  channel: AlertChannel;
  ruleIds: string[] | null;
  kinds: string[];
  digest: boolean;
  secretVersion: number | null;
  previousVersion: number | null;
  previousValidUntil: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  removedAt: string | null;
}

interface ObligationInfo {
  ruleId: string;
  citation: string;
  dueAt: string | null;
}

interface NewDelivery {
  deliveryId: string;
  subscriptionId: string;
  municipality: string;
  kind: string;
  channelKind: string;
  caseId: string | null;
  obligationId: string | null;
  ruleId: string | null;
  payload: unknown;
  sourceEventId: string;
  correlationId: string;
  createdAt: string;
}

interface Outcome {
  deliveryId: string;
  status: DeliveryStatus | null;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  failedAt: string | null;
  resend: boolean;
}

class AlertsBatch {
  private readonly subscriptions = new Map<string, SubscriptionRow>();
  private readonly changedSubscriptions = new Set<string>();
  private readonly obligations = new Map<string, ObligationInfo>();
  private readonly newObligations = new Map<
    string,
    ObligationInfo & { caseId: string; obligationId: string }
  >();
  private readonly deliveries: NewDelivery[] = [];
  private readonly outcomes = new Map<string, Outcome>();

  constructor(
    private readonly options: AlertsProjectionOptions,
    private readonly tx: SqlTransaction,
    private readonly t: TableNames,
  ) {}

  /** Reads what the batch refers to: every subscription (few), and the obligations its alert events name. */
  async load(events: readonly RecordedEvent[]): Promise<void> {
    // Most batches (facts, obligations opened, delivery outcomes) need no subscription at all.
    if (!events.some(needsSubscriptions)) return;
    const rows = await this.tx.query(
      `SELECT subscription_id, municipality, channel, rule_ids, kinds, digest, secret_version, previous_version,
              previous_valid_until, created_by, created_at, updated_at, removed_at FROM ${this.t.subscriptions}`,
    );
    for (const r of rows) {
      const row: SubscriptionRow = {
        subscriptionId: String(r[0]),
        municipality: String(r[1]),
        channel: (typeof r[2] === 'string' ? JSON.parse(r[2]) : r[2]) as AlertChannel,
        ruleIds: (r[3] as string[] | null) ?? null,
        kinds: r[4] as string[],
        digest: r[5] === true,
        secretVersion: r[6] === null ? null : Number(r[6]),
        previousVersion: r[7] === null ? null : Number(r[7]),
        previousValidUntil: r[8] === null ? null : new Date(r[8] as string).toISOString(),
        createdBy: String(r[9]),
        createdAt: new Date(r[10] as string).toISOString(),
        updatedAt: new Date(r[11] as string).toISOString(),
        removedAt: r[12] === null ? null : new Date(r[12] as string).toISOString(),
      };
      this.subscriptions.set(row.subscriptionId, row);
    }
    const wanted = new Set<string>();
    for (const event of events) {
      if (!event.streamName.startsWith(CASE_STREAM_PREFIX) || !ALERTING_EVENTS.has(event.type)) continue;
      wanted.add(key(event.streamName.slice(CASE_STREAM_PREFIX.length), String(event.data.obligationId)));
    }
    if (wanted.size === 0 || this.subscriptions.size === 0) return;
    const keys = [...wanted].map(splitKey);
    const found = await this.tx.query(
      `SELECT o.case_id, o.obligation_id, o.rule_id, o.citation, o.due_at FROM ${this.t.alert_obligations} o
         JOIN unnest($1::text[], $2::text[]) AS k(case_id, obligation_id)
           ON o.case_id = k.case_id AND o.obligation_id = k.obligation_id`,
      [keys.map((k) => k[0]), keys.map((k) => k[1])],
    );
    for (const [caseId, obligationId, ruleId, citation, dueAt] of found) {
      this.obligations.set(key(String(caseId), String(obligationId)), {
        ruleId: String(ruleId),
        citation: String(citation),
        dueAt: dueAt === null ? null : new Date(dueAt as string).toISOString(),
      });
    }
  }

  add(event: RecordedEvent): void {
    if (event.streamName.startsWith(SUBSCRIPTION_STREAM_PREFIX)) this.addSubscriptionEvent(event);
    else if (event.streamName.startsWith(DELIVERY_STREAM_PREFIX)) this.addDeliveryEvent(event);
    else if (event.streamName.startsWith(CASE_STREAM_PREFIX)) this.addCaseEvent(event);
  }

  private addSubscriptionEvent(event: RecordedEvent): void {
    // The API's clock, as every other instant a subscription is compared with (breaches, digests).
    const at = event.metadata.occurredAt;
    switch (event.type) {
      case 'AlertSubscriptionCreated': {
        const data = event.data as unknown as AlertSubscriptionCreated['data'];
        if (this.subscriptions.has(data.subscriptionId)) return;
        this.subscriptions.set(data.subscriptionId, {
          subscriptionId: data.subscriptionId,
          municipality: data.municipality,
          channel: data.channel,
          ruleIds: data.ruleIds === null ? null : [...data.ruleIds],
          kinds: [...data.kinds],
          digest: data.digest,
          secretVersion: data.secretVersion,
          previousVersion: null,
          previousValidUntil: null,
          createdBy: event.metadata.actor,
          createdAt: at,
          updatedAt: at,
          removedAt: null,
        });
        break;
      }
      case 'AlertSubscriptionChanged': {
        const data = event.data as unknown as AlertSubscriptionChanged['data'];
        const row = this.subscriptions.get(data.subscriptionId);
        if (row === undefined) return;
        if (data.channel !== undefined) row.channel = data.channel;
        if (data.ruleIds !== undefined) row.ruleIds = data.ruleIds === null ? null : [...data.ruleIds];
        if (data.kinds !== undefined) row.kinds = [...data.kinds];
        if (data.digest !== undefined) row.digest = data.digest;
        row.updatedAt = at;
        break;
      }
      case 'AlertSubscriptionRemoved': {
        const row = this.subscriptions.get(String(event.data.subscriptionId));
        if (row === undefined) return;
        row.removedAt ??= at;
        row.updatedAt = at;
        break;
      }
      case 'WebhookSecretRotated': {
        const data = event.data as unknown as WebhookSecretRotated['data'];
        const row = this.subscriptions.get(data.subscriptionId);
        if (row === undefined) return;
        row.secretVersion = data.secretVersion;
        row.previousVersion = data.previousVersion;
        row.previousValidUntil = data.previousValidUntil;
        row.updatedAt = at;
        break;
      }
      default:
        return;
    }
    this.changedSubscriptions.add(String(event.data.subscriptionId));
  }

  private addDeliveryEvent(event: RecordedEvent): void {
    if (event.type === 'AlertDigestPrepared') {
      const data = event.data as unknown as AlertDigestPrepared['data'];
      const subscription = this.subscriptions.get(data.subscriptionId);
      if (subscription === undefined) return;
      this.deliveries.push({
        deliveryId: data.deliveryId,
        subscriptionId: data.subscriptionId,
        municipality: subscription.municipality,
        kind: 'digest',
        channelKind: subscription.channel.kind,
        caseId: null,
        obligationId: null,
        ruleId: null,
        payload: data.alert,
        sourceEventId: event.id,
        correlationId: event.metadata.correlationId,
        createdAt: event.metadata.recordedAt,
      });
      return;
    }
    const deliveryId = String(event.data.deliveryId);
    let outcome = this.outcomes.get(deliveryId);
    if (outcome === undefined) {
      outcome = {
        deliveryId,
        status: null,
        attempts: 0,
        lastStatus: null,
        lastError: null,
        lastAttemptAt: null,
        deliveredAt: null,
        failedAt: null,
        resend: false,
      };
      this.outcomes.set(deliveryId, outcome);
    }
    switch (event.type) {
      case 'AlertDeliveryAttemptFailed': {
        const data = event.data as unknown as AlertDeliveryAttemptFailed['data'];
        outcome.attempts++;
        Object.assign(outcome, { lastStatus: data.status, lastError: data.error, lastAttemptAt: data.at });
        break;
      }
      case 'AlertDelivered': {
        const data = event.data as unknown as AlertDelivered['data'];
        outcome.attempts++;
        Object.assign(outcome, {
          status: 'delivered',
          lastStatus: data.status,
          lastError: null,
          lastAttemptAt: data.at,
          deliveredAt: data.at,
        });
        break;
      }
      case 'AlertDeliveryFailed': {
        const data = event.data as unknown as AlertDeliveryFailed['data'];
        // The last attempt's own AlertDeliveryAttemptFailed is not written: this event stands for it.
        outcome.attempts++;
        Object.assign(outcome, {
          status: outcome.status === 'delivered' ? 'delivered' : 'failed',
          lastStatus: data.status,
          lastError: data.error,
          lastAttemptAt: data.at,
          failedAt: data.at,
        });
        break;
      }
      case 'AlertResendRequested':
        Object.assign(outcome, { status: 'pending', resend: true, failedAt: null, deliveredAt: null });
        break;
      default:
        break;
    }
  }

  private addCaseEvent(event: RecordedEvent): void {
    const caseId = event.streamName.slice(CASE_STREAM_PREFIX.length);
    switch (event.type) {
      case 'ObligationOpened': {
        const data = event.data as unknown as ObligationOpened['data'];
        const info = { ruleId: data.ruleId, citation: data.citation, dueAt: data.dueAt };
        this.obligations.set(key(caseId, data.obligationId), info);
        this.newObligations.set(key(caseId, data.obligationId), {
          ...info,
          caseId,
          obligationId: data.obligationId,
        });
        return;
      }
      case 'ObligationDueSoon': {
        const data = event.data as unknown as ObligationDueSoon['data'];
        this.alert(event, caseId, data.obligationId, 'due-soon', data.dueAt, data.detectedAt);
        return;
      }
      case 'ObligationBreached': {
        const data = event.data as unknown as ObligationBreached['data'];
        this.alert(event, caseId, data.obligationId, 'breached', data.dueAt, data.detectedAt);
        return;
      }
      case 'ObligationFulfilled': {
        const data = event.data as unknown as ObligationFulfilled['data'];
        if (data.late) this.alert(event, caseId, data.obligationId, 'fulfilled-late', null, data.fulfilledAt);
        return;
      }
      default:
        return;
    }
  }

  /** One delivery per live subscription of the case's municipality that wants this kind and rule. */
  private alert(
    event: RecordedEvent,
    caseId: string,
    obligationId: string,
    kind: AlertKind,
    dueAt: string | null,
    detectedAt: string,
  ): void {
    const municipality = event.metadata.municipality;
    const info = this.obligations.get(key(caseId, obligationId));
    for (const subscription of this.subscriptions.values()) {
      if (subscription.removedAt !== null || subscription.municipality !== municipality) continue;
      if (!subscription.kinds.includes(kind)) continue;
      if (
        subscription.ruleIds !== null &&
        (info === undefined || !subscription.ruleIds.includes(info.ruleId))
      ) {
        continue;
      }
      const deliveryId = stableUuid('alert', subscription.subscriptionId, event.id);
      const payload: ObligationAlert = {
        alertId: deliveryId,
        kind,
        municipality,
        caseId,
        obligationId,
        ruleId: info?.ruleId ?? obligationId.split(':')[0],
        dueAt: dueAt ?? info?.dueAt ?? null,
        detectedAt,
        citation: info?.citation ?? '',
        caseUrl: caseUrl(this.options.publicUrl, caseId),
      };
      this.deliveries.push({
        deliveryId,
        subscriptionId: subscription.subscriptionId,
        municipality,
        kind,
        channelKind: subscription.channel.kind,
        caseId,
        obligationId,
        ruleId: payload.ruleId,
        payload,
        sourceEventId: event.id,
        correlationId: event.metadata.correlationId,
        createdAt: event.metadata.recordedAt,
      });
    }
  }

  async write(): Promise<void> {
    const { tx, t } = this;
    for (const id of this.changedSubscriptions) {
      const s = this.subscriptions.get(id)!;
      await tx.query(
        `INSERT INTO ${t.subscriptions} (subscription_id, municipality, channel, rule_ids, kinds, digest, secret_version,
           previous_version, previous_valid_until, created_by, created_at, updated_at, removed_at)
         VALUES ($1, $2, $3::json, $4::text[], $5::text[], $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (subscription_id) DO UPDATE SET channel = EXCLUDED.channel, rule_ids = EXCLUDED.rule_ids,
           kinds = EXCLUDED.kinds, digest = EXCLUDED.digest, secret_version = EXCLUDED.secret_version,
           previous_version = EXCLUDED.previous_version, previous_valid_until = EXCLUDED.previous_valid_until,
           updated_at = EXCLUDED.updated_at, removed_at = EXCLUDED.removed_at`,
        [
          s.subscriptionId,
          s.municipality,
          JSON.stringify(s.channel),
          s.ruleIds,
          s.kinds,
          s.digest,
          s.secretVersion,
          s.previousVersion,
          s.previousValidUntil,
          s.createdBy,
          s.createdAt,
          s.updatedAt,
          s.removedAt,
        ],
      );
    }
    const opened = [...this.newObligations.values()];
    if (opened.length > 0) {
      await tx.query(
        `INSERT INTO ${t.alert_obligations} (case_id, obligation_id, rule_id, citation, due_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
         ON CONFLICT DO NOTHING`,
        [
          opened.map((o) => o.caseId),
          opened.map((o) => o.obligationId),
          opened.map((o) => o.ruleId),
          opened.map((o) => o.citation),
          opened.map((o) => o.dueAt),
        ],
      );
    }
    const ds = this.deliveries;
    if (ds.length > 0) {
      await tx.query(
        `INSERT INTO ${t.deliveries} (delivery_id, subscription_id, municipality, kind, channel_kind, case_id,
           obligation_id, rule_id, payload, source_event_id, correlation_id, created_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                              $8::text[], $9::json[], $10::text[], $11::text[], $12::timestamptz[])
         ON CONFLICT (delivery_id) DO NOTHING`,
        [
          ds.map((d) => d.deliveryId),
          ds.map((d) => d.subscriptionId),
          ds.map((d) => d.municipality),
          ds.map((d) => d.kind),
          ds.map((d) => d.channelKind),
          ds.map((d) => d.caseId),
          ds.map((d) => d.obligationId),
          ds.map((d) => d.ruleId),
          ds.map((d) => JSON.stringify(d.payload)),
          ds.map((d) => d.sourceEventId),
          ds.map((d) => d.correlationId),
          ds.map((d) => d.createdAt),
        ],
      );
    }
    const os = [...this.outcomes.values()];
    if (os.length > 0) {
      await tx.query(
        `UPDATE ${t.deliveries} AS d
            SET status = CASE WHEN o.resend THEN coalesce(o.status, 'pending')
                              WHEN d.status = 'delivered' THEN 'delivered'
                              ELSE coalesce(o.status, d.status) END,
                attempts = d.attempts + o.attempts,
                last_status = CASE WHEN o.last_attempt_at IS NULL THEN d.last_status ELSE o.last_status END,
                last_error = CASE WHEN o.last_attempt_at IS NULL THEN d.last_error ELSE o.last_error END,
                last_attempt_at = coalesce(o.last_attempt_at, d.last_attempt_at),
                delivered_at = CASE WHEN o.resend THEN o.delivered_at ELSE coalesce(d.delivered_at, o.delivered_at) END,
                failed_at = CASE WHEN o.resend THEN o.failed_at ELSE coalesce(o.failed_at, d.failed_at) END,
                resends = d.resends + CASE WHEN o.resend THEN 1 ELSE 0 END
           FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::text[], $6::timestamptz[], $7::timestamptz[],
                       $8::timestamptz[], $9::boolean[])
                AS o(delivery_id, status, attempts, last_status, last_error, last_attempt_at, delivered_at, failed_at, resend)
          WHERE d.delivery_id = o.delivery_id`,
        [
          os.map((o) => o.deliveryId),
          os.map((o) => o.status),
          os.map((o) => o.attempts),
          os.map((o) => o.lastStatus),
          os.map((o) => o.lastError),
          os.map((o) => o.lastAttemptAt),
          os.map((o) => o.deliveredAt),
          os.map((o) => o.failedAt),
          os.map((o) => o.resend),
        ],
      );
    }
  }
}

const ALERTING_EVENTS = new Set(['ObligationDueSoon', 'ObligationBreached', 'ObligationFulfilled']);

/** Events whose effect depends on the subscriptions: their own, digests, and alert-worthy obligation events. */
function needsSubscriptions(event: RecordedEvent): boolean {
  if (event.streamName.startsWith(SUBSCRIPTION_STREAM_PREFIX)) return true;
  if (event.streamName.startsWith(DELIVERY_STREAM_PREFIX)) return event.type === 'AlertDigestPrepared';
  return event.streamName.startsWith(CASE_STREAM_PREFIX) && ALERTING_EVENTS.has(event.type);
}

const SEPARATOR = '\u001f';

function key(caseId: string, obligationId: string): string {
  return `${caseId}${SEPARATOR}${obligationId}`;
}

function splitKey(value: string): [string, string] {
  const at = value.indexOf(SEPARATOR);
  return [value.slice(0, at), value.slice(at + 1)];
}
