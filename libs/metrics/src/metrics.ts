import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** How an API command ended: appended, answered from an earlier identical request, or refused and why. */
export const COMMAND_OUTCOMES = ['ok', 'replayed', 'rejected', 'conflict', 'busy', 'error'] as const;
export type CommandOutcome = (typeof COMMAND_OUTCOMES)[number];

/** What one wake-up (CheckObligation) did; `error` means it threw and the scheduler retries it. */
export const WAKE_UP_OUTCOMES = ['appended', 'nothing-to-do', 'not-found', 'error'] as const;
export type WakeUpOutcome = (typeof WAKE_UP_OUTCOMES)[number];

/** One delivery attempt's end: delivered, failed and retried later, or given up for good. */
export const DELIVERY_OUTCOMES = ['delivered', 'retrying', 'failed'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/** The event store port's calls whose unexpected failures are counted (see instrumentEventStore). */
export const EVENT_STORE_OPERATIONS = [
  'append',
  'read_stream',
  'read_streams',
  'read_all',
  'read_committed_after',
] as const;
export type EventStoreOperation = (typeof EVENT_STORE_OPERATIONS)[number];

/** One projection's distance behind the global log, as /health computes it (projectionStatus). */
export interface ProjectionLag {
  readonly projection: string;
  readonly lagEvents: number;
  readonly lagSeconds: number;
  readonly eventsApplied: number;
}

/** Obligations not yet closed, counted by municipality, rule and read-model state. */
export interface OpenObligationCount {
  readonly municipality: string;
  readonly rule: string;
  readonly state: string;
  readonly count: number;
}

export interface DeliveryBacklog {
  readonly pending: number;
  readonly oldestPendingAgeSeconds: number | null;
  readonly failed: number;
}

/**
 * What the gauges read at scrape time. Each is set by the part of the process that owns the data (the
 * worker's read models, the event store); a gauge whose source is not set has no samples.
 */
export interface MetricSources {
  projections(): Promise<readonly ProjectionLag[]>;
  obligations(): Promise<readonly OpenObligationCount[]>;
  alertBacklog(): Promise<DeliveryBacklog | undefined>;
  /** Age in seconds of the oldest transaction holding a transaction id on the event store's server. */
  xminHorizonAge(): Promise<number | undefined>;
  /** Age in seconds of the oldest append to the event store still running (holding the append gate). */
  oldestAppendAge(): Promise<number | undefined>;
  subscriptions(): Promise<ReadonlyArray<{ readonly name: string; readonly state: string }>>;
}
export type MetricSourceName = keyof MetricSources;

export interface MetricsOptions {
  /** prom-client's process and Node.js metrics (`process_*`, `nodejs_*`). Default true. */
  readonly defaultMetrics?: boolean;
  /** Exported as `fristvagt_build_info{version, role} 1`. */
  readonly info?: { readonly version: string; readonly role: string };
  /** A source that has not answered after this long counts as failed for the scrape. Default 5,000 ms. */
  readonly sourceTimeoutMs?: number;
}

/** Latency of commands: from a few milliseconds (an append) to the 10 s a command may wait for its case. */
const COMMAND_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Lateness of wake-ups: well under a second when on time, up to a sweep interval or hours when not. */
const LATENESS_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600];
/** The gauges of one scrape share one read of each source. */
const SOURCE_MEMO_MS = 1_000;

/**
 * Fristvagt's Prometheus metrics: one Registry per process (never prom-client's global one, so a test can
 * run several apps in one process), the families below, and the sources the gauges read when scraped.
 * Labels are bounded sets only (command types, outcomes, event types, rule ids, municipality codes):
 * never a case id, a CPR number or free text.
 */
export class Metrics {
  readonly registry = new Registry();

  /** `fristvagt_command_duration_seconds{command, outcome}`: one observation per API command. */
  readonly commandDuration: Histogram<'command' | 'outcome'>;
  /** `fristvagt_events_appended_total{type}`: events written by successful appends, by event type. */
  readonly eventsAppended: Counter<'type'>;
  /** `fristvagt_event_store_errors_total{operation}`: port calls that failed other than by the port's own errors. */
  readonly eventStoreErrors: Counter<'operation'>;
  /** `fristvagt_queue_backend_errors_total{backend, queue}`: BullMQ queue and worker 'error' events (Redis, PostgreSQL). */
  readonly queueBackendErrors: Counter<'backend' | 'queue'>;
  /** `fristvagt_wakeups_total{kind, outcome}`: wake-ups (CheckObligation) handled, by warn/due and outcome. */
  readonly wakeUps: Counter<'kind' | 'outcome'>;
  /** `fristvagt_wakeup_lateness_seconds{kind}`: from the instant to its detection, for wake-ups that appended. */
  readonly wakeUpLateness: Histogram<'kind'>;
  /** `fristvagt_alert_deliveries_total{channel, outcome}`: delivery attempts by channel and how they ended. */
  readonly alertDeliveries: Counter<'channel' | 'outcome'>;
  /** `fristvagt_metrics_source_errors_total{source}`: a gauge's source that failed or timed out at a scrape. */
  readonly sourceErrors: Counter<'source'>;

  private readonly sources: Partial<MetricSources> = {};
  private readonly memo = new Map<MetricSourceName, { at: number; value: Promise<unknown> }>();
  private readonly sourceTimeoutMs: number;

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    this.sourceTimeoutMs = options.sourceTimeoutMs ?? 5_000;
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });

    this.commandDuration = new Histogram({
      name: 'fristvagt_command_duration_seconds',
      help: 'Time from an API command reaching its handler to its answer (load, decide, append), by command type and outcome.',
      labelNames: ['command', 'outcome'],
      buckets: COMMAND_BUCKETS,
      registers,
    });
    this.eventsAppended = new Counter({
      name: 'fristvagt_events_appended_total',
      help: 'Events written to the event store by successful appends, by event type.',
      labelNames: ['type'],
      registers,
    });
    this.eventStoreErrors = new Counter({
      name: 'fristvagt_event_store_errors_total',
      help: 'Event store calls that failed for a reason other than the port’s own (wrong revision, no stream, duplicate id): connection loss, timeouts, server errors.',
      labelNames: ['operation'],
      registers,
    });
    for (const operation of EVENT_STORE_OPERATIONS) this.eventStoreErrors.inc({ operation }, 0);
    this.queueBackendErrors = new Counter({
      name: 'fristvagt_queue_backend_errors_total',
      help: 'Errors reported by the BullMQ queues and workers of wake-ups and alert deliveries (connection trouble on Redis, or on PostgreSQL for the PostgreSQL backend); BullMQ reconnects by itself.',
      labelNames: ['backend', 'queue'],
      registers,
    });
    this.wakeUps = new Counter({
      name: 'fristvagt_wakeups_total',
      help: 'Wake-ups handled (CheckObligation at a warning or due instant, from the scheduler or the sweep), by kind and outcome.',
      labelNames: ['kind', 'outcome'],
      registers,
    });
    this.wakeUpLateness = new Histogram({
      name: 'fristvagt_wakeup_lateness_seconds',
      help: 'For wake-ups that appended a warning or a breach: seconds from the instant (warnAt, dueAt) to its detection.',
      labelNames: ['kind'],
      buckets: LATENESS_BUCKETS,
      registers,
    });
    this.alertDeliveries = new Counter({
      name: 'fristvagt_alert_deliveries_total',
      help: 'Alert delivery attempts by channel and outcome: delivered, retrying (attempt failed, retried later) or failed (given up).',
      labelNames: ['channel', 'outcome'],
      registers,
    });
    this.sourceErrors = new Counter({
      name: 'fristvagt_metrics_source_errors_total',
      help: 'Scrapes at which a gauge’s source (read models, event store) failed or did not answer in time.',
      labelNames: ['source'],
      registers,
    });

    if (options.info !== undefined) {
      const info = new Gauge({
        name: 'fristvagt_build_info',
        help: 'Always 1: the version of Fristvagt and the role of this process.',
        labelNames: ['version', 'role'],
        registers,
      });
      info.set(options.info, 1);
    }

    const read = <K extends MetricSourceName>(name: K) => this.read(name);
    new Gauge({
      name: 'fristvagt_projection_lag_events',
      help: 'Events in the global log after the projection’s checkpoint (counted up to 10,000).',
      labelNames: ['projection'],
      registers,
      async collect() {
        this.reset();
        for (const lag of (await read('projections')) ?? [])
          this.set({ projection: lag.projection }, lag.lagEvents);
      },
    });
    new Gauge({
      name: 'fristvagt_projection_lag_seconds',
      help: 'Age of the oldest event the projection has not applied yet (0 when caught up).',
      labelNames: ['projection'],
      registers,
      async collect() {
        this.reset();
        for (const lag of (await read('projections')) ?? [])
          this.set({ projection: lag.projection }, lag.lagSeconds);
      },
    });
    new Gauge({
      name: 'fristvagt_projection_events_applied',
      help: 'Events the serving generation of the projection has applied (starts again at a rebuild).',
      labelNames: ['projection'],
      registers,
      async collect() {
        this.reset();
        for (const lag of (await read('projections')) ?? [])
          this.set({ projection: lag.projection }, lag.eventsApplied);
      },
    });
    new Gauge({
      name: 'fristvagt_obligations_open',
      help: 'Obligations not yet closed (fulfilled, cancelled or waived), by municipality, rule and state: open, due-soon or breached.',
      labelNames: ['municipality', 'rule', 'state'],
      registers,
      async collect() {
        this.reset();
        for (const row of (await read('obligations')) ?? [])
          this.set({ municipality: row.municipality, rule: row.rule, state: row.state }, row.count);
      },
    });
    const single = (name: string, help: string, value: () => Promise<number | undefined>) =>
      new Gauge({
        name,
        help,
        registers,
        // Without a value, no sample: a gauge without labels would otherwise report 0.
        async collect() {
          this.reset();
          const current = await value();
          if (current === undefined) this.remove({});
          else this.set(current);
        },
      });
    single(
      'fristvagt_alert_deliveries_pending',
      'Alert deliveries owed and not yet delivered or given up.',
      async () => (await read('alertBacklog'))?.pending,
    );
    single(
      'fristvagt_alert_deliveries_failed',
      'Alert deliveries given up after their last attempt (reported to the municipality’s admins), until resent.',
      async () => (await read('alertBacklog'))?.failed,
    );
    single(
      'fristvagt_alert_oldest_pending_delivery_age_seconds',
      'Age of the oldest alert delivery still pending (0 when none is).',
      async () => {
        const backlog = await read('alertBacklog');
        return backlog === undefined ? undefined : (backlog.oldestPendingAgeSeconds ?? 0);
      },
    );
    single(
      'fristvagt_event_store_xmin_horizon_age_seconds',
      'How long the oldest transaction holding a transaction id on the event store’s PostgreSQL server (any database) has been open: it holds back VACUUM everywhere, and readers of the global log wait behind it when it is an append. PostgreSQL only.',
      () => read('xminHorizonAge'),
    );
    single(
      'fristvagt_event_store_oldest_append_age_seconds',
      'How long the oldest append to the event store still running (holding the append gate) has been open: readers of the global log (projections, wake-ups, alerts) see nothing committed after it until it ends. PostgreSQL only; 0 when none runs.',
      () => read('oldestAppendAge'),
    );
    single(
      'fristvagt_event_store_subscriptions_reconnecting',
      'Subscriptions to the global log of this process whose last read failed and that are retrying.',
      async () => (await read('subscriptions'))?.filter((s) => s.state === 'reconnecting').length,
    );
  }

  /** Sets what a family of gauges reads when scraped (the last call wins). */
  setSource<K extends MetricSourceName>(name: K, source: MetricSources[K]): void {
    this.sources[name] = source;
    this.memo.delete(name);
  }

  /** The exposition text (Prometheus text format 0.0.4) of every family. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Records one API command: its latency from `startedAt` (performance.now()) and how it ended. */
  commandFinished(command: string, outcome: CommandOutcome, startedAt: number): void {
    this.commandDuration.observe({ command, outcome }, (performance.now() - startedAt) / 1000);
  }

  /** Records one wake-up; the lateness only when it appended (a warning or breach detected that late). */
  wakeUpHandled(kind: 'warn' | 'due', outcome: WakeUpOutcome, latenessSeconds?: number): void {
    this.wakeUps.inc({ kind, outcome });
    if (outcome === 'appended' && latenessSeconds !== undefined) {
      this.wakeUpLateness.observe({ kind }, Math.max(0, latenessSeconds));
    }
  }

  /**
   * A source's value for this scrape: one read shared by the gauges that use it, undefined (no samples)
   * when it is not set, fails or takes longer than the timeout (counted in sourceErrors).
   */
  private read<K extends MetricSourceName>(
    name: K,
  ): Promise<Awaited<ReturnType<MetricSources[K]>> | undefined> {
    const source = this.sources[name] as (() => Promise<unknown>) | undefined;
    if (source === undefined) return Promise.resolve(undefined);
    const cached = this.memo.get(name);
    const now = performance.now();
    if (cached !== undefined && now - cached.at < SOURCE_MEMO_MS) {
      return cached.value as Promise<Awaited<ReturnType<MetricSources[K]>> | undefined>;
    }
    const value = withTimeout(source(), this.sourceTimeoutMs).catch(() => {
      this.sourceErrors.inc({ source: name });
      return undefined;
    });
    this.memo.set(name, { at: now, value });
    return value as Promise<Awaited<ReturnType<MetricSources[K]>> | undefined>;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
