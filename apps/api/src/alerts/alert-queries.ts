import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import {
  AlertsReadModel,
  type DeliveryView,
  subscriptionStream,
  type SubscriptionView,
} from '@fristvagt/alerts';
import { EVENT_STORE, type EventStore, StreamNotFound } from '@fristvagt/event-store';
import { LOGGER, type Logger } from '@fristvagt/logging';
import { inScope, type Principal, viaOf } from '../access/principal';
import { DEFAULT_LIMIT } from '../http/query-params';
import { logAuditorRead, municipalitiesInScope, readModelStatus } from '../http/read-models';
import { deliveryNotFound, subscriptionNotFound } from './alert-problems';
import { decodeDeliveryCursor, encodeDeliveryCursor } from './delivery-cursor';
import {
  type AlertDeliveryDto,
  type AlertDeliveryPageDto,
  type DeliveriesQueryDto,
  type SubscriptionsQueryDto,
} from './dto/alert-queries.dto';
import type { AlertSubscriptionDto, AlertSubscriptionListDto } from './dto/subscription.dto';
import { foldSubscription, type Subscription } from './subscription';

export class ListSubscriptions extends Query<AlertSubscriptionListDto> {
  constructor(
    readonly query: SubscriptionsQueryDto,
    readonly principal: Principal,
  ) {
    super();
  }
}

export class GetSubscription extends Query<AlertSubscriptionDto> {
  constructor(
    readonly subscriptionId: string,
    readonly principal: Principal,
  ) {
    super();
  }
}

export class ListDeliveries extends Query<AlertDeliveryPageDto> {
  constructor(
    readonly query: DeliveriesQueryDto,
    readonly principal: Principal,
  ) {
    super();
  }
}

export class GetDelivery extends Query<AlertDeliveryDto> {
  constructor(
    readonly deliveryId: string,
    readonly principal: Principal,
  ) {
    super();
  }
}

/** Subscriptions in scope, from the alerts read model (oldest first, removed ones left out). */
@QueryHandler(ListSubscriptions)
export class ListSubscriptionsHandler implements IQueryHandler<ListSubscriptions, AlertSubscriptionListDto> {
  constructor(private readonly readModel: AlertsReadModel) {}

  async execute({ query, principal }: ListSubscriptions): Promise<AlertSubscriptionListDto> {
    const municipalities = municipalitiesInScope(query.municipality, principal, 'alert subscriptions');
    const readModel = await readModelStatus(this.readModel.live, query);
    const items = await this.readModel.subscriptions(municipalities);
    return { items: items.map(subscriptionView), readModel };
  }
}

/**
 * One subscription, folded from its own stream rather than read from the read model: what a command just
 * answered is what this answers, at once.
 */
@QueryHandler(GetSubscription)
export class GetSubscriptionHandler implements IQueryHandler<GetSubscription, AlertSubscriptionDto> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ subscriptionId, principal }: GetSubscription): Promise<AlertSubscriptionDto> {
    let subscription: Subscription | null;
    try {
      subscription = foldSubscription(await this.store.readStream(subscriptionStream(subscriptionId)));
    } catch (error) {
      if (error instanceof StreamNotFound) throw subscriptionNotFound();
      throw error;
    }
    if (
      subscription === null ||
      subscription.removedAt !== null ||
      !inScope(principal, subscription.municipality)
    ) {
      throw subscriptionNotFound();
    }
    return subscriptionView(subscription);
  }
}

/** The query parameters an auditor's read is logged with: their names only, never their values. */
const DELIVERY_PARAMETERS = [
  'status',
  'subscriptionId',
  'caseId',
  'kind',
  'limit',
  'cursor',
  'minPosition',
  'wait',
] as const;

@QueryHandler(ListDeliveries)
export class ListDeliveriesHandler implements IQueryHandler<ListDeliveries, AlertDeliveryPageDto> {
  constructor(
    private readonly readModel: AlertsReadModel,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute({ query, principal }: ListDeliveries): Promise<AlertDeliveryPageDto> {
    const cursor = query.cursor === undefined ? null : (decodeDeliveryCursor(query.cursor) ?? null);
    const readModel = await readModelStatus(this.readModel.live, query);
    const page = await this.readModel.deliveries(
      {
        municipalities: principal.municipalities === '*' ? null : principal.municipalities,
        ...(query.status !== undefined && { statuses: [...new Set(query.status)] }),
        ...(query.subscriptionId !== undefined && { subscriptionId: query.subscriptionId.toLowerCase() }),
        ...(query.caseId !== undefined && { caseId: query.caseId.toLowerCase() }),
        ...(query.kind !== undefined && { kinds: [...new Set(query.kind)] }),
      },
      cursor,
      query.limit ?? DEFAULT_LIMIT,
    );
    logAuditorRead(this.logger, principal, {
      audit: 'alert-deliveries-read',
      message: 'auditor read alert deliveries',
      parameters: DELIVERY_PARAMETERS,
      query,
    });
    return {
      items: page.items.map(deliveryView),
      next: page.next === null ? null : encodeDeliveryCursor(page.next),
      readModel,
    };
  }
}

@QueryHandler(GetDelivery)
export class GetDeliveryHandler implements IQueryHandler<GetDelivery, AlertDeliveryDto> {
  constructor(
    private readonly readModel: AlertsReadModel,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute({ deliveryId, principal }: GetDelivery): Promise<AlertDeliveryDto> {
    const delivery = await this.readModel.delivery(deliveryId);
    if (delivery === undefined || !inScope(principal, delivery.municipality)) throw deliveryNotFound();
    if (principal.role === 'auditor') {
      this.logger.info(
        { audit: 'alert-delivery-read', keyId: principal.keyId, ...viaOf(principal), deliveryId },
        'auditor read an alert delivery',
      );
    }
    return deliveryView(delivery);
  }
}

/** Field by field, so that nothing else the read model or the stream holds reaches a response. */
export function subscriptionView(s: Subscription | SubscriptionView): AlertSubscriptionDto {
  return {
    subscriptionId: s.subscriptionId,
    municipality: s.municipality,
    channel:
      s.channel.kind === 'webhook'
        ? { kind: 'webhook', url: s.channel.url }
        : { kind: 'email', address: s.channel.address },
    rules: s.ruleIds === null ? null : [...s.ruleIds],
    kinds: [...s.kinds],
    digest: s.digest,
    secretVersion: s.secretVersion,
    previousSecretVersion: s.previousVersion,
    previousSecretValidUntil: s.previousValidUntil,
    createdBy: s.createdBy,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

function deliveryView(d: DeliveryView): AlertDeliveryDto {
  return {
    deliveryId: d.deliveryId,
    subscriptionId: d.subscriptionId,
    municipality: d.municipality,
    kind: d.kind,
    channel: d.channel,
    caseId: d.caseId,
    obligationId: d.obligationId,
    ruleId: d.ruleId,
    status: d.status,
    attempts: d.attempts,
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    createdAt: d.createdAt,
    lastAttemptAt: d.lastAttemptAt,
    deliveredAt: d.deliveredAt,
    failedAt: d.failedAt,
    resends: d.resends,
  };
}
