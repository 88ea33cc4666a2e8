import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type AlertResendRequested, AlertsReadModel, deliveryStream } from '@fristvagt/alerts';
import { loadDecideAppend, StreamKeptChanging } from '@fristvagt/case-commands';
import { CLOCK, type Clock } from '@fristvagt/config';
import { EVENT_STORE, type EventStore, formatPosition } from '@fristvagt/event-store';
import { inScope, type Principal } from '../access/principal';
import { deliveryNotFound, keptChanging } from './alert-problems';
import type { ResendAcceptedDto } from './dto/alert-queries.dto';
import { earlierAppend, type IdempotencyMark } from './idempotency';
import { ALERT_EVENT_SCHEMA_VERSION } from './subscription-commands';

export interface ResendResult {
  readonly accepted: ResendAcceptedDto;
  readonly replayed: boolean;
}

export class RequestResend extends Command<ResendResult> {
  constructor(
    readonly deliveryId: string,
    readonly principal: Principal,
    readonly idempotency: IdempotencyMark,
    readonly correlationId: string,
  ) {
    super();
  }
}

/**
 * An admin asks for a delivery to be sent again, whatever became of it: AlertResendRequested on the
 * delivery's stream, which the alerts projection turns back into a pending delivery for the dispatcher. The
 * delivery is looked up in the read model, the only place a delivery exists before its first outcome.
 */
@CommandHandler(RequestResend)
export class RequestResendHandler implements ICommandHandler<RequestResend, ResendResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly readModel: AlertsReadModel,
  ) {}

  async execute({ deliveryId, principal, idempotency, correlationId }: RequestResend): Promise<ResendResult> {
    const delivery = await this.readModel.delivery(deliveryId);
    if (delivery === undefined || !inScope(principal, delivery.municipality)) throw deliveryNotFound();
    try {
      return await loadDecideAppend<ResendResult>(this.store, deliveryStream(deliveryId), (loaded) => {
        const earlier = earlierAppend(idempotency, loaded.events);
        if (earlier !== undefined) {
          const [requested] = earlier;
          return {
            kind: 'answer',
            value: {
              accepted: {
                deliveryId,
                requestedAt: String(requested.data.at),
                position: formatPosition(requested.position),
              },
              replayed: true,
            },
          };
        }
        const at = this.clock.now().toISOString();
        const data: AlertResendRequested['data'] = { deliveryId, at };
        return {
          kind: 'append',
          events: [
            {
              id: randomUUID(),
              type: 'AlertResendRequested',
              data: { ...data },
              metadata: {
                municipality: delivery.municipality,
                actor: principal.keyId,
                occurredAt: at,
                correlationId,
                causationId: null,
                schemaVersion: ALERT_EVENT_SCHEMA_VERSION,
                idempotency,
              },
            },
          ],
          answer: (_written, appended) => ({
            accepted: { deliveryId, requestedAt: at, position: formatPosition(appended.position) },
            replayed: false,
          }),
        };
      });
    } catch (error) {
      if (error instanceof StreamKeptChanging) throw keptChanging('delivery', error.attempts);
      throw error;
    }
  }
}
