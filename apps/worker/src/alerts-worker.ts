import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
  Optional,
} from '@nestjs/common';
import {
  AlertDispatcher,
  type AlertSender,
  type DeliveryJob,
  AlertsReadModel,
  EmailSender,
  resolveWebhookSigningKey,
  WebhookSender,
  webhookSecret,
} from '@fristvagt/alerts';
import { CLOCK, type Clock, CONFIG, type Config } from '@fristvagt/config';
import { EVENT_STORE, type EventStore } from '@fristvagt/event-store';
import { LOGGER, type Logger } from '@fristvagt/logging';
import { METRICS, type Metrics } from '@fristvagt/metrics';
import {
  ObligationsReadModel,
  type Projection,
  ProjectionRunner,
  type ReadModelDatabase,
  ReadModelNotReady,
} from '@fristvagt/projections';
import { PROJECTIONS, READ_MODEL_DATABASE } from '@fristvagt/read-models';
import { type JobQueue, PermanentJobFailure } from '@fristvagt/scheduling';

/** Nest injection token for the alert delivery queue. */
export const ALERT_QUEUE = Symbol('AlertQueue');

/**
 * The worker's alert loop: the alerts projection (deliveries owed, one leader across the workers) and the
 * delivery queue that sends them, retrying with backoff until delivered or given up (then reported).
 */
@Injectable()
export class AlertsWorker implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private dispatcher: AlertDispatcher | undefined;
  private runner: ProjectionRunner | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_DATABASE) private readonly db: ReadModelDatabase,
    @Inject(PROJECTIONS) private readonly projections: readonly Projection[],
    @Inject(ALERT_QUEUE) private readonly queue: JobQueue<DeliveryJob>,
    private readonly alerts: AlertsReadModel,
    private readonly obligations: ObligationsReadModel,
    @Optional() @Inject(METRICS) private readonly metrics?: Metrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { alerts } = this.config;
    const signingKey = await resolveWebhookSigningKey(this.config, this.logger);
    const senders = new Map<string, AlertSender>([
      [
        'webhook',
        new WebhookSender({ allowHttp: alerts.allowHttp, allowedNetworks: alerts.allowedNetworks }),
      ],
    ]);
    if (alerts.smtpUrl !== undefined) {
      senders.set('email', new EmailSender({ url: alerts.smtpUrl, from: alerts.smtpFrom }));
    }
    const dispatcher = new AlertDispatcher(
      this.store,
      this.alerts,
      this.obligations,
      this.queue,
      senders,
      this.clock,
      {
        maxAttempts: alerts.maxAttempts,
        publicUrl: alerts.publicUrl,
        digestAt: alerts.digestAt,
        webhookSecret: (subscriptionId, version) => webhookSecret(signingKey, subscriptionId, version),
        permanentFailure: (message) => new PermanentJobFailure(message),
        onOutcome: (toSend, result, final) => {
          this.metrics?.alertDeliveries.inc({
            channel: toSend.subscription.channel.kind,
            outcome: result.ok ? 'delivered' : final ? 'failed' : 'retrying',
          });
          this.logger[result.ok ? 'info' : final ? 'error' : 'warn'](
            {
              // The command that set the deadline: its request's logs and the breach's share it.
              correlationId: toSend.correlationId,
              causationId: toSend.sourceEventId,
              deliveryId: toSend.delivery.deliveryId,
              subscriptionId: toSend.subscription.subscriptionId,
              municipality: toSend.delivery.municipality,
              channel: toSend.subscription.channel.kind,
              kind: toSend.delivery.kind,
              ...(result.ok ? { status: result.status } : { status: result.status, error: result.error }),
            },
            result.ok
              ? 'alert delivered'
              : final
                ? 'alert delivery failed for good'
                : 'alert delivery attempt failed',
          );
        },
      },
    );
    this.dispatcher = dispatcher;
    const projection = this.projections.find((p) => p.name === 'alerts');
    if (projection === undefined) throw new Error('the alerts projection is not registered');
    this.runner = new ProjectionRunner(projection, this.db, this.store, {
      afterCommit: (events) => dispatcher.afterCommit(events),
      onError: (error, context) =>
        this.logger.error({ err: error, projection: 'alerts', context }, 'projection failed'),
    });
    await this.runner.start();
    await this.queue.start({
      process: (job) => dispatcher.deliver(job.data.deliveryId, job.attempt),
      onFailed: (job, error) => dispatcher.failed(job.data.deliveryId, job.attempt, error),
    });
  }

  /** Called by the deadline sweep (one process at a time): re-queue what is pending, prepare due digests. */
  async sweep(): Promise<void> {
    try {
      await this.dispatcher?.sweep();
    } catch (error) {
      if (error instanceof ReadModelNotReady) return;
      this.logger.error({ err: error }, 'alert sweep failed');
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping ??= (async () => {
      await this.queue.stop();
      await this.runner?.stop();
    })();
    await this.stopping;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.onModuleDestroy();
  }
}
