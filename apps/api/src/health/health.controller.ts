import { Controller, Get, Header, Inject, Optional, Res } from '@nestjs/common';
import { CONFIG, type Config, type Role } from '@fristvagt/config';
import {
  EVENT_STORE,
  type AdapterHealth,
  type EventStore,
  type SubscriptionStatus,
} from '@fristvagt/event-store';
import {
  SCHEDULER_HEALTH,
  schedulerAdapter,
  type SchedulerHealth,
  type SchedulerHealthIndicator,
  WorkerHealth,
  type WorkerHealthReport,
} from '../../../worker/src';
import {
  type Projection,
  projectionStatus,
  type ProjectionStatus,
  type ReadModelDatabase,
} from '@fristvagt/projections';
import { PROJECTIONS, READ_MODEL_DATABASE } from '@fristvagt/read-models';
import { AlertsReadModel } from '@fristvagt/alerts';
import { Public } from '../access/principal';
import { fristvagtVersion } from '../version';

export interface ProjectionHealth extends ProjectionStatus {
  /** True when the read model is further behind the log than PROJECTION_MAX_LAG (or not built by this version). */
  readonly degraded: boolean;
}

export interface AlertsHealth {
  readonly pending: number;
  readonly oldestPendingAgeSeconds: number | null;
  readonly failed: number;
}

export interface HealthReport {
  /**
   * `degraded` (with HTTP 503) when any adapter is down, a projection lags past PROJECTION_MAX_LAG, or a
   * subscription to the event log cannot read (it is reconnecting).
   */
  readonly status: 'ok' | 'degraded';
  readonly role: Role;
  readonly version: string;
  readonly uptimeSeconds: number;
  readonly adapters: { readonly eventStore: AdapterHealth; readonly scheduler: SchedulerHealth };
  /** Each read model: its generation, checkpoint and lag behind the global log (events and seconds). */
  readonly projections: readonly ProjectionHealth[];
  /**
   * This process's subscriptions to the global log: each by name, `reading` or `reconnecting` (then since
   * when, how many reads failed, and the last error).
   */
  readonly subscriptions: readonly SubscriptionStatus[];
  /** Alert deliveries not yet delivered, the age of the oldest, and those given up (reported to admins). */
  readonly alerts?: AlertsHealth;
  /** Present when the worker runs in this process. */
  readonly worker?: WorkerHealthReport;
}

/** A health probe that hangs must not hang /health: after this long the adapter counts as down. */
const PROBE_TIMEOUT_MS = 5_000;

/** The part of the HTTP response this controller touches, whatever the platform. */
interface StatusSettable {
  status(code: number): unknown;
}

@Controller()
@Public()
export class HealthController {
  private readonly startedAt = Date.now();
  private readonly version = fristvagtVersion();

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() private readonly worker?: WorkerHealth,
    @Optional() @Inject(SCHEDULER_HEALTH) private readonly scheduler?: SchedulerHealthIndicator,
    @Optional() @Inject(READ_MODEL_DATABASE) private readonly readModels?: ReadModelDatabase,
    @Optional() @Inject(PROJECTIONS) private readonly projections: readonly Projection[] = [],
    @Optional() private readonly alerts?: AlertsReadModel,
  ) {}

  @Get('health')
  @Header('Cache-Control', 'no-store')
  async health(@Res({ passthrough: true }) response: StatusSettable): Promise<HealthReport> {
    const [eventStore, scheduler, projections, alerts] = await Promise.all([
      this.eventStoreHealth(),
      this.schedulerHealth(),
      this.projectionsHealth(),
      this.alertsHealth(),
    ]);
    const subscriptions = this.store.subscriptions?.() ?? [];
    const status =
      eventStore.status === 'down' ||
      scheduler.status === 'down' ||
      projections.some((p) => p.degraded) ||
      subscriptions.some((s) => s.state === 'reconnecting')
        ? 'degraded'
        : 'ok';
    response.status(status === 'ok' ? 200 : 503);
    return {
      status,
      role: this.config.role,
      version: this.version,
      uptimeSeconds: Math.floor((Date.now() - this.startedAt) / 1000),
      adapters: { eventStore, scheduler },
      projections,
      subscriptions,
      ...(alerts !== undefined && { alerts }),
      ...(this.worker !== undefined && { worker: this.worker.report() }),
    };
  }

  private async eventStoreHealth(): Promise<AdapterHealth> {
    const adapter = this.config.eventStore.adapter;
    const timedOut: AdapterHealth = {
      adapter,
      status: 'down',
      location: 'unknown',
      detail: `no answer within ${PROBE_TIMEOUT_MS / 1000} s`,
    };
    try {
      return await withTimeout(this.store.health(), timedOut);
    } catch (error) {
      return { ...timedOut, detail: error instanceof Error ? error.message : String(error) };
    }
  }

  private async alertsHealth(): Promise<AlertsHealth | undefined> {
    if (this.alerts === undefined) return undefined;
    try {
      return await withTimeout(this.alerts.backlogAt(Date.now()), undefined);
    } catch {
      // The alerts read model is not built yet (its projection reports that above).
      return undefined;
    }
  }

  private async projectionsHealth(): Promise<ProjectionHealth[]> {
    const db = this.readModels;
    if (db === undefined) return [];
    const maxLagSeconds = this.config.projectionMaxLagMs / 1000;
    return Promise.all(
      this.projections.map(async (projection) => {
        const unknown: ProjectionHealth = {
          name: projection.name,
          version: projection.version,
          state: 'absent',
          generation: null,
          checkpoint: null,
          eventsApplied: 0,
          lagEvents: 0,
          lagEventsCapped: false,
          lagSeconds: 0,
          degraded: true,
        };
        const probe = projectionStatus(db, this.store, projection, new Date()).then(
          (status): ProjectionHealth => ({ ...status, degraded: status.lagSeconds > maxLagSeconds }),
        );
        try {
          return await withTimeout(probe, unknown);
        } catch {
          return unknown;
        }
      }),
    );
  }

  private async schedulerHealth(): Promise<SchedulerHealth> {
    const adapter = schedulerAdapter(this.config);
    if (this.scheduler === undefined) {
      return { adapter, status: 'not-running', detail: 'the scheduler runs in the worker process' };
    }
    const timedOut: SchedulerHealth = {
      adapter,
      status: 'down',
      detail: `no answer within ${PROBE_TIMEOUT_MS / 1000} s`,
    };
    try {
      return await withTimeout(this.scheduler.health(), timedOut);
    } catch (error) {
      return { adapter, status: 'down', detail: error instanceof Error ? error.message : String(error) };
    }
  }
}

async function withTimeout<T>(probe: Promise<T>, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), PROBE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
