import type {
  AlertSubscriptionChanged,
  AlertSubscriptionCreated,
  SubscriptionEvent,
  SubscriptionSettings,
  SubscriptionView,
  WebhookSecretRotated,
} from '@fristvagt/alerts';
import type { RecordedEvent } from '@fristvagt/event-store';

/**
 * One alert subscription as its stream tells it: the decider's state and what the API shows, the same shape as
 * the alerts read model's. Instants are the API's clock (`occurredAt`), as in the read model, so a
 * subscription reads the same from either.
 */
export type Subscription = SubscriptionView;

export type SubscriptionState = Subscription | null;

export type SubscriptionCommand =
  | {
      readonly type: 'CreateSubscription';
      readonly data: SubscriptionSettings & {
        readonly subscriptionId: string;
        readonly municipality: string;
      };
    }
  | { readonly type: 'ChangeSubscription'; readonly data: Partial<SubscriptionSettings> }
  | { readonly type: 'RemoveSubscription' }
  | { readonly type: 'RotateWebhookSecret'; readonly data: { readonly overlapMs: number } };

export type SubscriptionErrorCode =
  'subscription-not-found' | 'subscription-exists' | 'channel-kind-immutable' | 'not-a-webhook';

export interface SubscriptionError {
  readonly code: SubscriptionErrorCode;
  readonly message: string;
  readonly field?: string;
}

export type SubscriptionDecision =
  | { readonly ok: true; readonly events: readonly SubscriptionEvent[] }
  | { readonly ok: false; readonly error: SubscriptionError };

/** The first secret of a webhook subscription; rotations count up from it. */
export const FIRST_SECRET_VERSION = 1;

/**
 * What a command on a subscription records, given the subscription as it stands and the instant `now`. A
 * change records only what differs, and nothing when nothing does. The channel's kind is fixed at creation:
 * a webhook's signing secret belongs to the subscription, and an e-mail subscription has none to carry over.
 */
export function decideSubscription(
  command: SubscriptionCommand,
  state: SubscriptionState,
  now: string,
): SubscriptionDecision {
  if (command.type === 'CreateSubscription') {
    if (state !== null) {
      return refuse('subscription-exists', 'A subscription with this id exists already');
    }
    const { subscriptionId, municipality, channel, ruleIds, kinds, digest } = command.data;
    const created: AlertSubscriptionCreated = {
      type: 'AlertSubscriptionCreated',
      data: {
        subscriptionId,
        municipality,
        channel,
        ruleIds: ruleIds === null ? null : unique(ruleIds),
        kinds: unique(kinds),
        digest,
        secretVersion: channel.kind === 'webhook' ? FIRST_SECRET_VERSION : null,
      },
    };
    return { ok: true, events: [created] };
  }
  if (state === null || state.removedAt !== null) {
    return refuse('subscription-not-found', 'No subscription with this id is visible to this API key.');
  }
  switch (command.type) {
    case 'ChangeSubscription':
      return change(state, command.data);
    case 'RemoveSubscription':
      return {
        ok: true,
        events: [{ type: 'AlertSubscriptionRemoved', data: { subscriptionId: state.subscriptionId } }],
      };
    case 'RotateWebhookSecret': {
      if (state.channel.kind !== 'webhook' || state.secretVersion === null) {
        return refuse('not-a-webhook', 'Only a webhook subscription has a signing secret to rotate');
      }
      const rotated: WebhookSecretRotated = {
        type: 'WebhookSecretRotated',
        data: {
          subscriptionId: state.subscriptionId,
          secretVersion: state.secretVersion + 1,
          previousVersion: state.secretVersion,
          previousValidUntil: new Date(Date.parse(now) + command.data.overlapMs).toISOString(),
        },
      };
      return { ok: true, events: [rotated] };
    }
  }
}

function change(state: Subscription, wanted: Partial<SubscriptionSettings>): SubscriptionDecision {
  if (wanted.channel !== undefined && wanted.channel.kind !== state.channel.kind) {
    return refuse(
      'channel-kind-immutable',
      `This is a ${state.channel.kind} subscription; to alert by ${wanted.channel.kind}, create a new subscription`,
      'channel.kind',
    );
  }
  const data: {
    -readonly [K in keyof AlertSubscriptionChanged['data']]: AlertSubscriptionChanged['data'][K];
  } = { subscriptionId: state.subscriptionId };
  if (wanted.channel !== undefined && !sameJson(wanted.channel, state.channel)) data.channel = wanted.channel;
  if (wanted.ruleIds !== undefined) {
    const ruleIds = wanted.ruleIds === null ? null : unique(wanted.ruleIds);
    if (!sameJson(ruleIds, state.ruleIds)) data.ruleIds = ruleIds;
  }
  if (wanted.kinds !== undefined) {
    const kinds = unique(wanted.kinds);
    if (!sameJson(kinds, state.kinds)) data.kinds = kinds;
  }
  if (wanted.digest !== undefined && wanted.digest !== state.digest) data.digest = wanted.digest;
  if (Object.keys(data).length === 1) return { ok: true, events: [] };
  return { ok: true, events: [{ type: 'AlertSubscriptionChanged', data }] };
}

export function evolveSubscription(state: SubscriptionState, event: RecordedEvent): SubscriptionState {
  const at = event.metadata.occurredAt;
  switch (event.type) {
    case 'AlertSubscriptionCreated': {
      if (state !== null) return state;
      const data = event.data as unknown as AlertSubscriptionCreated['data'];
      return {
        subscriptionId: data.subscriptionId,
        municipality: data.municipality,
        channel: data.channel,
        ruleIds: data.ruleIds,
        kinds: data.kinds,
        digest: data.digest,
        secretVersion: data.secretVersion,
        previousVersion: null,
        previousValidUntil: null,
        createdBy: event.metadata.actor,
        createdAt: at,
        updatedAt: at,
        removedAt: null,
      };
    }
    case 'AlertSubscriptionChanged': {
      if (state === null) return state;
      const data = event.data as unknown as AlertSubscriptionChanged['data'];
      return {
        ...state,
        ...(data.channel !== undefined && { channel: data.channel }),
        ...(data.ruleIds !== undefined && { ruleIds: data.ruleIds }),
        ...(data.kinds !== undefined && { kinds: data.kinds }),
        ...(data.digest !== undefined && { digest: data.digest }),
        updatedAt: at,
      };
    }
    case 'AlertSubscriptionRemoved':
      return state === null ? state : { ...state, removedAt: state.removedAt ?? at, updatedAt: at };
    case 'WebhookSecretRotated': {
      if (state === null) return state;
      const data = event.data as unknown as WebhookSecretRotated['data'];
      return {
        ...state,
        secretVersion: data.secretVersion,
        previousVersion: data.previousVersion,
        previousValidUntil: data.previousValidUntil,
        updatedAt: at,
      };
    }
    default:
      return state;
  }
}

export function foldSubscription(events: readonly RecordedEvent[]): SubscriptionState {
  return events.reduce(evolveSubscription, null);
}

function refuse(code: SubscriptionErrorCode, message: string, field?: string): SubscriptionDecision {
  return { ok: false, error: { code, message, ...(field !== undefined && { field }) } };
}

/** In the order given, each once: `["breached", "breached"]` asks for one thing. */
function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
