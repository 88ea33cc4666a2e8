import { type DynamicModule, Module } from '@nestjs/common';
import { CLOCK, type Clock, type Config } from '@fristvagt/config';
import { EventStoreModule } from '@fristvagt/event-store-nest';
import { LOGGER, type Logger } from '@fristvagt/logging';
import { METRICS, type Metrics } from '@fristvagt/metrics';
import { READ_MODEL_DATABASE, ReadModelsModule } from '@fristvagt/read-models';
import { openJobQueue, openScheduler, WAKE_UP_SCHEDULER, type WakeUpScheduler } from '@fristvagt/scheduling';
import { ALERT_QUEUE, AlertsWorker } from './alerts-worker';
import { CheckpointSealer } from './checkpoint-sealer';
import { DeadlineWorker } from './deadline-worker';
import { SCHEDULER_HEALTH, type SchedulerHealthIndicator } from './scheduler-health';
import { WorkerHealth } from './worker-health';

/**
 * The worker: projections, deadline wake-ups and alert delivery, none of them HTTP. It serves only
 * /health, and only when it runs alone (FRISTVAGT_ROLE=worker); with the api it shares its HTTP server.
 */
@Module({})
export class WorkerModule {
  private static readonly modules = new WeakMap<Config, DynamicModule>();

  static forConfig(config: Config): DynamicModule {
    let module = WorkerModule.modules.get(config);
    if (module === undefined) {
      module = {
        module: WorkerModule,
        imports: [EventStoreModule.forConfig(config), ReadModelsModule.forConfig(config)],
        providers: [
          WorkerHealth,
          {
            provide: WAKE_UP_SCHEDULER,
            // Opened after the read models (and so after the event store): a start-up that fails there
            // leaves no scheduler connection behind, since no shutdown hook runs for a half-built app.
            inject: [CLOCK, LOGGER, READ_MODEL_DATABASE, { token: METRICS, optional: true }],
            useFactory: (clock: Clock, logger: Logger, _db: unknown, metrics?: Metrics) => {
              const countError = backendErrorCounter(config, metrics, 'wake-ups');
              return openScheduler({
                backend: config.scheduler.backend,
                redisUrl: config.redisUrl,
                redisPrefix: config.scheduler.redisPrefix,
                databaseUrl: config.databaseUrl,
                horizonMs: config.scheduler.horizonMs,
                sweepEveryMs: config.scheduler.sweepEveryMs,
                concurrency: config.scheduler.concurrency,
                clock,
                onError: (error, context) => {
                  if (context.source === 'backend') countError();
                  logger.warn({ err: error, context }, 'scheduler trouble');
                },
              });
            },
          },
          {
            provide: SCHEDULER_HEALTH,
            inject: [WAKE_UP_SCHEDULER],
            useFactory: (scheduler: WakeUpScheduler): SchedulerHealthIndicator => ({
              health: async () => {
                const status = await scheduler.status();
                return {
                  adapter: status.adapter,
                  status: status.status,
                  location: status.location,
                  ...(status.scheduled !== undefined && { scheduled: status.scheduled }),
                  ...(status.detail !== undefined && { detail: status.detail }),
                };
              },
            }),
          },
          {
            provide: ALERT_QUEUE,
            // After the scheduler: the same backend, its own queue.
            inject: [LOGGER, WAKE_UP_SCHEDULER, { token: METRICS, optional: true }],
            useFactory: (logger: Logger, _scheduler: unknown, metrics?: Metrics) => {
              const countError = backendErrorCounter(config, metrics, 'alert-deliveries');
              return openJobQueue({
                backend:
                  config.scheduler.backend === 'in-process-timer' ? 'in-process' : config.scheduler.backend,
                redisUrl: config.redisUrl,
                redisPrefix: config.scheduler.redisPrefix,
                databaseUrl: config.databaseUrl,
                name: 'alert-deliveries',
                concurrency: config.scheduler.concurrency,
                retry: {
                  attempts: config.alerts.maxAttempts,
                  firstDelayMs: config.alerts.retryDelayMs,
                  maxDelayMs: config.alerts.retryMaxDelayMs,
                  jitter: 0.5,
                },
                onError: (error, context) => {
                  if (context.source === 'backend') countError();
                  logger.warn({ err: error, context }, 'alert queue trouble');
                },
              });
            },
          },
          AlertsWorker,
          DeadlineWorker,
          CheckpointSealer,
        ],
        exports: [WorkerHealth, SCHEDULER_HEALTH, DeadlineWorker, AlertsWorker, CheckpointSealer],
      };
      WorkerModule.modules.set(config, module);
    }
    return module;
  }
}

/**
 * Counts the 'error' events of a BullMQ queue and worker (fristvagt_queue_backend_errors_total), from zero so
 * that the series exists before the first error; nothing for the in-process timers, which have no backend.
 */
function backendErrorCounter(config: Config, metrics: Metrics | undefined, queue: string): () => void {
  const { backend: scheduler } = config.scheduler;
  if (metrics === undefined || scheduler === 'in-process-timer') return () => undefined;
  const labels = { backend: scheduler === 'bullmq-redis' ? 'redis' : 'postgres', queue };
  metrics.queueBackendErrors.inc(labels, 0);
  return () => metrics.queueBackendErrors.inc(labels);
}
