import {
  Inject,
  Injectable,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
} from '@nestjs/common';
import { caseRules } from '@fristvagt/case-commands';
import { CLOCK, type Clock, CONFIG, type Config } from '@fristvagt/config';
import { EVENT_STORE, type EventStore } from '@fristvagt/event-store';
import { LOGGER, type Logger } from '@fristvagt/logging';
import { METRICS, type Metrics } from '@fristvagt/metrics';
import {
  ObligationsReadModel,
  obligationsProjection,
  ProjectionRunner,
  type ReadModelDatabase,
  ReadModelNotReady,
} from '@fristvagt/projections';
import { READ_MODEL_DATABASE } from '@fristvagt/read-models';
import { AlertsWorker } from './alerts-worker';
import { DeadlineEngine, WAKE_UP_SCHEDULER, type WakeUpScheduler } from '@fristvagt/scheduling';

/**
 * The worker's deadline loop: the obligations projection (one leader across the worker processes) and the
 * wake-ups that turn its due instants into CheckObligation commands. Started once the app is built, stopped
 * before the event store closes.
 */
@Injectable()
export class DeadlineWorker implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  readonly engine: DeadlineEngine;
  readonly runner: ProjectionRunner;
  private stopping: Promise<void> | undefined;

  constructor(
    @Inject(CONFIG) config: Config,
    @Inject(CLOCK) clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(READ_MODEL_DATABASE) db: ReadModelDatabase,
    @Inject(WAKE_UP_SCHEDULER) private readonly scheduler: WakeUpScheduler,
    readModel: ObligationsReadModel,
    @Optional() private readonly alerts?: AlertsWorker,
    @Optional() @Inject(METRICS) private readonly metrics?: Metrics,
  ) {
    this.engine = new DeadlineEngine(store, readModel, scheduler, clock, caseRules(config), {
      horizonMs: config.scheduler.horizonMs,
      onCheckFailed: (wakeUp) => this.metrics?.wakeUpHandled(wakeUp.kind, 'error'),
      onChecked: (wakeUp, outcome, detectedAt) => {
        const lateSeconds = (Date.parse(detectedAt) - Date.parse(wakeUp.at)) / 1000;
        this.metrics?.wakeUpHandled(wakeUp.kind, outcome.kind, lateSeconds);
        if (outcome.kind !== 'appended') return;
        this.logger.info(
          {
            // The command that opened the obligation: its request's logs and this breach's alerts share it.
            correlationId: outcome.correlationId,
            causationId: outcome.causationId,
            caseId: wakeUp.caseId,
            obligationId: wakeUp.obligationId,
            wakeUp: wakeUp.kind,
            at: wakeUp.at,
            detectedAt,
            lateMs: Date.parse(detectedAt) - Date.parse(wakeUp.at),
            events: outcome.events,
          },
          'deadline checked',
        );
      },
    });
    this.runner = new ProjectionRunner(obligationsProjection, db, store, {
      afterCommit: (events) => this.engine.afterCommit(events),
      afterCommitNeeds: (event) => this.engine.needs(event),
      onError: (error, context) =>
        this.logger.error(
          { err: error, projection: obligationsProjection.name, context },
          'projection failed',
        ),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.start();
    await this.scheduler.start({
      onWakeUp: (wakeUp) => this.engine.check(wakeUp).then(() => undefined),
      onSweep: () => this.sweep(),
    });
    // A start after a crash or a Redis loss: refill the horizon and catch what fell due meanwhile, at once.
    void this.sweep().catch(() => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping ??= (async () => {
      await this.scheduler.stop();
      await this.runner.stop();
    })();
    await this.stopping;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.onModuleDestroy();
  }

  private async sweep(): Promise<void> {
    await this.alerts?.sweep();
    try {
      const report = await this.engine.sweep();
      if (report.overdue > 0) this.logger.info({ sweep: report }, 'sweep checked overdue obligations');
    } catch (error) {
      // Until the projection has built its first generation there is nothing to sweep.
      if (error instanceof ReadModelNotReady) return;
      this.logger.error({ err: error }, 'sweep failed');
      throw error;
    }
  }
}
