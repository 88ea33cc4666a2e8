import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { subscriptionStream, webhookSecret } from '@fristvagt/alerts';
import {
  type Decision,
  loadDecideAppend,
  type LoadedStream,
  StreamKeptChanging,
} from '@fristvagt/case-commands';
import { CLOCK, type Clock } from '@fristvagt/config';
import { EVENT_STORE, type EventStore, formatPosition, type NewEvent } from '@fristvagt/event-store';
import { inScope, type Principal } from '../access/principal';
import { inputProblem } from '../problems/input-validation';
import {
  municipalityOutOfScope,
  keptChanging,
  subscriptionNotFound,
  subscriptionProblem,
} from './alert-problems';
import { ChannelPolicy } from './channel-policy';
import { earlierAppend, type IdempotencyMark } from './idempotency';
import {
  decideSubscription,
  foldSubscription,
  type Subscription,
  type SubscriptionCommand,
  type SubscriptionState,
} from './subscription';

/** Nest injection token for the webhook master key (WEBHOOK_SIGNING_KEY, see libs/alerts/src/channels/signing-key.ts). */
export const WEBHOOK_MASTER_KEY = Symbol('WebhookMasterKey');

/** Schema version of the alert events this API writes (subscriptions, resends), as written today. */
export const ALERT_EVENT_SCHEMA_VERSION = 1;

/** Attempts at a command that keeps meeting concurrent writers before it gives up with 409. */
const MAX_ATTEMPTS = 5;

export interface SubscriptionCommandRequest {
  readonly subscriptionId: string;
  readonly command: SubscriptionCommand;
  readonly principal: Principal;
  readonly idempotency: IdempotencyMark;
  readonly correlationId: string;
}

export interface SubscriptionCommandResult {
  /** As it stands after this request's events (for a retry: after the original request's events). */
  readonly subscription: Subscription;
  /** Webhooks: the signing secret this request created (a new subscription, a rotation); else null. */
  readonly secret: string | null;
  /** The position of the last event the answer reflects. */
  readonly position: string;
  /** True when an earlier request with the same Idempotency-Key had already done the work. */
  readonly replayed: boolean;
}

export class ExecuteSubscriptionCommand extends Command<SubscriptionCommandResult> {
  constructor(readonly request: SubscriptionCommandRequest) {
    super();
  }
}

/** What one attempt settled on: the revision the answer is read at. */
interface Settled {
  readonly revision: bigint;
  readonly replayed: boolean;
}

/**
 * Load, decide, append on `alert-subscription-<id>`, as the case commands do on a case: the stream is folded,
 * the decider runs, its events are appended at the revision read, with the caller's key id as actor and the
 * subscription's municipality in the metadata. A retry with the same Idempotency-Key finds its events there
 * and gets the same answer, rebuilt from them; a refused request stores nothing.
 */
@CommandHandler(ExecuteSubscriptionCommand)
export class ExecuteSubscriptionCommandHandler implements ICommandHandler<
  ExecuteSubscriptionCommand,
  SubscriptionCommandResult
> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(WEBHOOK_MASTER_KEY) private readonly masterKey: Buffer,
    private readonly channels: ChannelPolicy,
  ) {}

  async execute({ request }: ExecuteSubscriptionCommand): Promise<SubscriptionCommandResult> {
    const channel = channelOf(request.command);
    if (channel !== undefined) {
      const errors = this.channels.inputErrors(channel);
      if (errors.length > 0) throw inputProblem(errors);
    }
    const stream = subscriptionStream(request.subscriptionId);
    let settled: Settled;
    try {
      settled = await loadDecideAppend<Settled>(
        this.store,
        stream,
        (loaded) => this.decide(request, loaded),
        {
          maxAttempts: MAX_ATTEMPTS,
        },
      );
    } catch (error) {
      if (error instanceof StreamKeptChanging) throw keptChanging('subscription', error.attempts);
      throw error;
    }
    // Read back, so that a first answer and a retry's are built alike, from the events as stored.
    const events = (await this.store.readStream(stream)).filter(
      (event) => event.revision <= settled.revision,
    );
    const subscription = foldSubscription(events)!;
    const own = events.filter((event) => event.metadata.idempotency?.key === request.idempotency.key);
    return {
      subscription,
      secret: this.secretOf(
        request.subscriptionId,
        own.map((event) => event.type),
        subscription,
      ),
      position: formatPosition(events[events.length - 1].position),
      replayed: settled.replayed,
    };
  }

  private decide(request: SubscriptionCommandRequest, loaded: LoadedStream): Decision<Settled> {
    const state = foldSubscription(loaded.events);
    const municipality = authorize(request, state);
    const earlier = earlierAppend(request.idempotency, loaded.events);
    if (earlier !== undefined) {
      return { kind: 'answer', value: { revision: earlier[earlier.length - 1].revision, replayed: true } };
    }
    const channel = channelOf(request.command);
    if (channel !== undefined) this.channels.assertAvailable(channel);

    const now = this.clock.now().toISOString();
    const decision = decideSubscription(request.command, state, now);
    if (!decision.ok) throw subscriptionProblem(decision.error);
    if (decision.events.length === 0) {
      return { kind: 'answer', value: { revision: loaded.revision!, replayed: false } };
    }
    const events: NewEvent[] = decision.events.map((event) => ({
      id: randomUUID(),
      type: event.type,
      data: event.data as unknown as Record<string, unknown>,
      metadata: {
        municipality,
        actor: request.principal.keyId,
        occurredAt: now,
        correlationId: request.correlationId,
        causationId: null,
        schemaVersion: ALERT_EVENT_SCHEMA_VERSION,
        idempotency: request.idempotency,
      },
    }));
    return {
      kind: 'append',
      events,
      answer: (_written, appended) => ({ revision: appended.nextRevision, replayed: false }),
    };
  }

  /** A secret is shown by the request that made it, and by that request's retries; never by a read. */
  private secretOf(
    subscriptionId: string,
    ownTypes: readonly string[],
    subscription: Subscription,
  ): string | null {
    const made = ownTypes.includes('AlertSubscriptionCreated') || ownTypes.includes('WebhookSecretRotated');
    if (!made || subscription.secretVersion === null) return null;
    return webhookSecret(this.masterKey, subscriptionId, subscription.secretVersion);
  }
}

/**
 * The municipality the command acts in. A subscription that does not exist, or exists outside the caller's
 * scope, is "not found" alike; creating one for a municipality outside the scope is forbidden.
 */
function authorize(request: SubscriptionCommandRequest, state: SubscriptionState): string {
  const { command, principal } = request;
  if (state !== null) {
    if (!inScope(principal, state.municipality)) throw subscriptionNotFound();
    return state.municipality;
  }
  if (command.type !== 'CreateSubscription') throw subscriptionNotFound();
  if (!inScope(principal, command.data.municipality)) {
    throw municipalityOutOfScope('subscribe to alerts');
  }
  return command.data.municipality;
}

function channelOf(command: SubscriptionCommand) {
  return command.type === 'CreateSubscription' || command.type === 'ChangeSubscription'
    ? command.data.channel
    : undefined;
}
