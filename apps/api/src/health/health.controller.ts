import { Controller, Get, Header, Inject, Optional, Res } from '@nestjs/common';
import { CONFIG, type Config, type Role } from '@fristvagt/config';
import { EVENT_STORE, type AdapterHealth, type EventStore } from '@fristvagt/event-store';
import {
  SCHEDULER_HEALTH,
  schedulerAdapter,
  type SchedulerHealth,
  type SchedulerHealthIndicator,
  WorkerHealth,
  type WorkerHealthReport,
} from '../../../worker/src';
import { Public } from '../access/principal';
import { fristvagtVersion } from '../version';

export interface HealthReport {
  /** `degraded` (with HTTP 503) when any adapter is down. */
  readonly status: 'ok' | 'degraded';
  readonly role: Role;
  readonly version: string;
  readonly uptimeSeconds: number;
  readonly adapters: { readonly eventStore: AdapterHealth; readonly scheduler: SchedulerHealth };
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
  ) {}

  @Get('health')
  @Header('Cache-Control', 'no-store')
  async health(@Res({ passthrough: true }) response: StatusSettable): Promise<HealthReport> {
    const [eventStore, scheduler] = await Promise.all([this.eventStoreHealth(), this.schedulerHealth()]);
    const status = eventStore.status === 'down' || scheduler.status === 'down' ? 'degraded' : 'ok';
    response.status(status === 'ok' ? 200 : 503);
    return {
      status,
      role: this.config.role,
      version: this.version,
      uptimeSeconds: Math.floor((Date.now() - this.startedAt) / 1000),
      adapters: { eventStore, scheduler },
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
