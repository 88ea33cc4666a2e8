import { LiveTables, type Projection, type ReadModelDatabase } from '@fristvagt/projections';
import type { Alert, AlertChannel, AlertKind } from './alert';
import type { DeliveryStatus } from './alerts.projection';

export interface SubscriptionView {
  readonly subscriptionId: string;
  readonly municipality: string;
  readonly channel: AlertChannel;
  readonly ruleIds: readonly string[] | null;
  readonly kinds: readonly AlertKind[];
  readonly digest: boolean;
  readonly secretVersion: number | null;
  readonly previousVersion: number | null;
  readonly previousValidUntil: string | null;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly removedAt: string | null;
}

export interface DeliveryView {
  readonly deliveryId: string;
  readonly subscriptionId: string;
  readonly municipality: string;
  readonly kind: AlertKind | 'digest';
  readonly channel: AlertChannel['kind'];
  readonly caseId: string | null;
  readonly obligationId: string | null;
  readonly ruleId: string | null;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly lastAttemptAt: string | null;
  readonly deliveredAt: string | null;
  readonly failedAt: string | null;
  readonly resends: number;
}

export interface DeliveryFilter {
  /** The caller's scope; null: every municipality. */
  readonly municipalities: readonly string[] | null;
  readonly statuses?: readonly DeliveryStatus[];
  readonly subscriptionId?: string;
  readonly caseId?: string;
  readonly kinds?: readonly string[];
}

/** What the dispatcher needs to send one delivery. */
export interface DeliveryToSend {
  readonly delivery: DeliveryView;
  readonly alert: Alert;
  readonly subscription: SubscriptionView;
  /** The event that owed it (a breach, a warning, a digest prepared). */
  readonly sourceEventId: string;
  /** That event's correlation id: the command that set the deadline, for logs and the outcome's events. */
  readonly correlationId: string;
}

const ISO = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const SUBSCRIPTION_COLUMNS = `subscription_id, municipality, channel, rule_ids, kinds, digest, secret_version, previous_version,
  ${ISO('previous_valid_until')}, created_by, ${ISO('created_at')}, ${ISO('updated_at')}, ${ISO('removed_at')}`;

const DELIVERY_COLUMNS = `delivery_id, subscription_id, municipality, kind, channel_kind, case_id, obligation_id, rule_id,
  status, attempts, last_status, last_error, ${ISO('created_at')}, ${ISO('last_attempt_at')}, ${ISO('delivered_at')},
  ${ISO('failed_at')}, resends`;

/** Queries over the alerts read model (see alertsProjection), on the live generation. */
export class AlertsReadModel {
  readonly live: LiveTables;

  constructor(
    private readonly db: ReadModelDatabase,
    projection: Projection,
  ) {
    this.live = new LiveTables(db, projection);
  }

  async subscriptions(
    municipalities: readonly string[] | null,
    includeRemoved = false,
  ): Promise<SubscriptionView[]> {
    const rows = await this.live.run((t) =>
      this.db.query(
        `SELECT ${SUBSCRIPTION_COLUMNS} FROM ${t.subscriptions}
          WHERE ($1::text[] IS NULL OR municipality = ANY($1::text[])) AND ($2 OR removed_at IS NULL)
          ORDER BY created_at, subscription_id`,
        [municipalities === null ? null : [...municipalities], includeRemoved],
      ),
    );
    return rows.map(toSubscription);
  }

  async subscription(subscriptionId: string): Promise<SubscriptionView | undefined> {
    const rows = await this.live.run((t) =>
      this.db.query(`SELECT ${SUBSCRIPTION_COLUMNS} FROM ${t.subscriptions} WHERE subscription_id = $1`, [
        subscriptionId,
      ]),
    );
    return rows.length === 0 ? undefined : toSubscription(rows[0]);
  }

  async deliveries(
    filter: DeliveryFilter,
    after: { createdAt: string; deliveryId: string } | null,
    limit: number,
  ): Promise<{ items: DeliveryView[]; next: { createdAt: string; deliveryId: string } | null }> {
    const rows = await this.live.run((t) =>
      this.db.query(
        `SELECT ${DELIVERY_COLUMNS}, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
           FROM ${t.deliveries}
          WHERE ($1::text[] IS NULL OR municipality = ANY($1::text[]))
            AND ($2::text[] IS NULL OR status = ANY($2::text[]))
            AND ($3::text IS NULL OR subscription_id = $3)
            AND ($4::text IS NULL OR case_id = $4)
            AND ($5::text[] IS NULL OR kind = ANY($5::text[]))
            AND ($6::timestamptz IS NULL OR (created_at, delivery_id) < ($6::timestamptz, $7::text))
          ORDER BY created_at DESC, delivery_id DESC
          LIMIT $8`,
        [
          filter.municipalities === null ? null : [...filter.municipalities],
          filter.statuses === undefined || filter.statuses.length === 0 ? null : [...filter.statuses],
          filter.subscriptionId ?? null,
          filter.caseId ?? null,
          filter.kinds === undefined || filter.kinds.length === 0 ? null : [...filter.kinds],
          after?.createdAt ?? null,
          after?.deliveryId ?? null,
          limit + 1,
        ],
      ),
    );
    const items = rows.slice(0, limit).map(toDelivery);
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return {
      items,
      next: last === undefined ? null : { createdAt: String(last[17]), deliveryId: String(last[0]) },
    };
  }

  async delivery(deliveryId: string): Promise<DeliveryView | undefined> {
    const rows = await this.live.run((t) =>
      this.db.query(`SELECT ${DELIVERY_COLUMNS} FROM ${t.deliveries} WHERE delivery_id = $1`, [deliveryId]),
    );
    return rows.length === 0 ? undefined : toDelivery(rows[0]);
  }

  /** A delivery with its alert and subscription, for the dispatcher. */
  async toSend(deliveryId: string): Promise<DeliveryToSend | undefined> {
    const rows = await this.live.run((t) =>
      this.db.query(
        `SELECT ${DELIVERY_COLUMNS}, payload, source_event_id, correlation_id FROM ${t.deliveries}
          WHERE delivery_id = $1`,
        [deliveryId],
      ),
    );
    if (rows.length === 0) return undefined;
    const delivery = toDelivery(rows[0]);
    const subscription = await this.subscription(delivery.subscriptionId);
    if (subscription === undefined) return undefined;
    const [payload, sourceEventId, correlationId] = rows[0].slice(17);
    return {
      delivery,
      alert: (typeof payload === 'string' ? JSON.parse(payload) : payload) as Alert,
      subscription,
      sourceEventId: String(sourceEventId),
      correlationId: correlationId === null ? delivery.deliveryId : String(correlationId),
    };
  }

  /** The deliveries that alert-worthy events created (by their source event ids). */
  async deliveriesFrom(sourceEventIds: readonly string[]): Promise<string[]> {
    const rows = await this.live.run((t) =>
      this.db.query(`SELECT delivery_id FROM ${t.deliveries} WHERE source_event_id = ANY($1::text[])`, [
        [...sourceEventIds],
      ]),
    );
    return rows.map((row) => String(row[0]));
  }

  /** The instant of the subscription's previous digest (its `at`), if there was one. */
  async lastDigestAt(subscriptionId: string): Promise<string | null> {
    const rows = await this.live.run((t) =>
      this.db.query(
        `SELECT max(payload->>'at') FROM ${t.deliveries} WHERE subscription_id = $1 AND kind = 'digest'`,
        [subscriptionId],
      ),
    );
    return rows[0]?.[0] === null || rows[0] === undefined ? null : String(rows[0][0]);
  }

  /**
   * Deliveries pending for longer than `olderThanMs` (oldest first): the sweep re-queues them in case a job was
   * lost. Measured on the database's clock, as `created_at` is the record time of the event that owed them.
   */
  async pending(olderThanMs: number, limit: number): Promise<string[]> {
    const rows = await this.live.run((t) =>
      this.db.query(
        `SELECT delivery_id FROM ${t.deliveries}
          WHERE status = 'pending' AND created_at <= now() - make_interval(secs => $1::double precision)
          ORDER BY created_at LIMIT $2`,
        [olderThanMs / 1000, limit],
      ),
    );
    return rows.map((row) => String(row[0]));
  }

  /** Deliveries not yet delivered (pending) and the creation instant of the oldest, for /health and metrics. */
  async backlog(): Promise<{ pending: number; oldestCreatedAt: string | null; failed: number }> {
    const rows = await this.live.run((t) =>
      this.db.query(
        `SELECT count(*) FILTER (WHERE status = 'pending'), ${ISO("min(created_at) FILTER (WHERE status = 'pending')")},
                count(*) FILTER (WHERE status = 'failed')
           FROM ${t.deliveries}`,
      ),
    );
    const [pending, oldest, failed] = rows[0];
    return {
      pending: Number(pending),
      oldestCreatedAt: oldest === null ? null : String(oldest),
      failed: Number(failed),
    };
  }

  /** backlog() as /health and the metrics report it: the oldest pending delivery's age in seconds at `nowMs`. */
  async backlogAt(
    nowMs: number,
  ): Promise<{ pending: number; oldestPendingAgeSeconds: number | null; failed: number }> {
    const { pending, oldestCreatedAt, failed } = await this.backlog();
    const oldest = oldestCreatedAt === null ? null : Date.parse(oldestCreatedAt);
    return {
      pending,
      oldestPendingAgeSeconds: oldest === null ? null : Math.max(0, (nowMs - oldest) / 1000),
      failed,
    };
  }
}

function toSubscription(r: unknown[]): SubscriptionView {
  const s = (i: number) => (r[i] === null ? null : String(r[i]));
  return {
    subscriptionId: String(r[0]),
    municipality: String(r[1]),
    channel: (typeof r[2] === 'string' ? JSON.parse(r[2]) : r[2]) as AlertChannel,
    ruleIds: (r[3] as string[] | null) ?? null,
    kinds: r[4] as AlertKind[],
    digest: r[5] === true,
    secretVersion: r[6] === null ? null : Number(r[6]),
    previousVersion: r[7] === null ? null : Number(r[7]),
    previousValidUntil: s(8),
    createdBy: String(r[9]),
    createdAt: String(r[10]),
    updatedAt: String(r[11]),
    removedAt: s(12),
  };
}

function toDelivery(r: unknown[]): DeliveryView {
  const s = (i: number) => (r[i] === null ? null : String(r[i]));
  return {
    deliveryId: String(r[0]),
    subscriptionId: String(r[1]),
    municipality: String(r[2]),
    kind: r[3] as DeliveryView['kind'],
    channel: r[4] as DeliveryView['channel'],
    caseId: s(5),
    obligationId: s(6),
    ruleId: s(7),
    status: r[8] as DeliveryStatus,
    attempts: Number(r[9]),
    lastStatus: r[10] === null ? null : Number(r[10]),
    lastError: s(11),
    createdAt: String(r[12]),
    lastAttemptAt: s(13),
    deliveredAt: s(14),
    failedAt: s(15),
    resends: Number(r[16]),
  };
}
