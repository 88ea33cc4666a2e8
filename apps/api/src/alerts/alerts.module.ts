import { type DynamicModule, Module } from '@nestjs/common';
import { resolveWebhookSigningKey } from '@fristvagt/alerts';
import type { Config } from '@fristvagt/config';
import { EventStoreModule } from '@fristvagt/event-store-nest';
import { LOGGER, type Logger } from '@fristvagt/logging';
import { ReadModelsModule } from '@fristvagt/read-models';
import {
  GetDeliveryHandler,
  GetSubscriptionHandler,
  ListDeliveriesHandler,
  ListSubscriptionsHandler,
} from './alert-queries';
import { ALERT_STREAM_OPTIONS, AlertStream, type AlertStreamOptions } from './alert-stream';
import { AlertStreamController } from './alert-stream.controller';
import { ChannelPolicy } from './channel-policy';
import { DeliveriesController } from './deliveries.controller';
import { RequestResendHandler } from './delivery-commands';
import { AlertCommandRequests } from './idempotency';
import { ExecuteSubscriptionCommandHandler, WEBHOOK_MASTER_KEY } from './subscription-commands';
import { SubscriptionsController } from './subscriptions.controller';

/**
 * /v1/alerts: subscriptions (commands on their own streams), deliveries (the alerts read model, built by the
 * worker in this process or another) and the live stream of alerts. Needs CONFIG, CLOCK, LOGGER,
 * CPR_PROTECTOR (idempotency keys are hashed with its key) and API_KEY_STORE from the global modules, and
 * the CqrsModule.
 */
@Module({})
export class AlertsModule {
  static forConfig(config: Config, stream: AlertStreamOptions = {}): DynamicModule {
    return {
      module: AlertsModule,
      imports: [EventStoreModule.forConfig(config), ReadModelsModule.forConfig(config)],
      controllers: [SubscriptionsController, DeliveriesController, AlertStreamController],
      providers: [
        {
          // Webhook secrets are derived from it; in production WEBHOOK_SIGNING_KEY is required at start-up.
          provide: WEBHOOK_MASTER_KEY,
          inject: [LOGGER],
          useFactory: (logger: Logger) => resolveWebhookSigningKey(config, logger),
        },
        { provide: ALERT_STREAM_OPTIONS, useValue: stream },
        AlertCommandRequests,
        ChannelPolicy,
        ExecuteSubscriptionCommandHandler,
        RequestResendHandler,
        ListSubscriptionsHandler,
        GetSubscriptionHandler,
        ListDeliveriesHandler,
        GetDeliveryHandler,
        AlertStream,
      ],
    };
  }
}
