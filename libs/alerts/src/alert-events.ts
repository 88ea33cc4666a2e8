import type { AlertChannel, AlertKind, DigestAlert } from './alert';

/**
 * Alerts are event-sourced like everything else: who subscribed what and when, and what became of every
 * delivery, is in the log (audited, and the delivery log can be rebuilt from it).
 *
 * Streams: `alert-subscription-<id>` holds a subscription's life; `alert-delivery-<id>` the outcomes of one
 * delivery. Deliveries themselves are derived by the alerts projection from obligation events (and from
 * prepared digests), so a rebuild recreates exactly the deliveries that were owed.
 */
export const SUBSCRIPTION_STREAM_PREFIX = 'alert-subscription-';
export const DELIVERY_STREAM_PREFIX = 'alert-delivery-';

export function subscriptionStream(subscriptionId: string): string {
  return `${SUBSCRIPTION_STREAM_PREFIX}${subscriptionId.toLowerCase()}`;
}

export function deliveryStream(deliveryId: string): string {
  return `${DELIVERY_STREAM_PREFIX}${deliveryId.toLowerCase()}`;
}

export interface SubscriptionSettings {
  readonly channel: AlertChannel;
  /** Only these rules; null: every rule. */
  readonly ruleIds: readonly string[] | null;
  readonly kinds: readonly AlertKind[];
  /** Also the daily digest. */
  readonly digest: boolean;
}

export interface AlertSubscriptionCreated {
  readonly type: 'AlertSubscriptionCreated';
  readonly data: SubscriptionSettings & {
    readonly subscriptionId: string;
    readonly municipality: string;
    /** Webhooks: the version of the signing secret (derived from the master key; see channels/signing-key). */
    readonly secretVersion: number | null;
  };
}

export interface AlertSubscriptionChanged {
  readonly type: 'AlertSubscriptionChanged';
  readonly data: Partial<SubscriptionSettings> & { readonly subscriptionId: string };
}

export interface AlertSubscriptionRemoved {
  readonly type: 'AlertSubscriptionRemoved';
  readonly data: { readonly subscriptionId: string };
}

/** A new webhook secret; the previous one stays valid (signed alongside) until `previousValidUntil`. */
export interface WebhookSecretRotated {
  readonly type: 'WebhookSecretRotated';
  readonly data: {
    readonly subscriptionId: string;
    readonly secretVersion: number;
    readonly previousVersion: number;
    readonly previousValidUntil: string;
  };
}

/** The digest job prepared a digest for a subscription; the projection turns it into a delivery. */
export interface AlertDigestPrepared {
  readonly type: 'AlertDigestPrepared';
  readonly data: {
    readonly deliveryId: string;
    readonly subscriptionId: string;
    readonly alert: DigestAlert;
  };
}

export interface AlertDeliveryAttemptFailed {
  readonly type: 'AlertDeliveryAttemptFailed';
  readonly data: {
    readonly deliveryId: string;
    readonly attempt: number;
    readonly status: number | null;
    readonly error: string;
    readonly retrying: boolean;
    readonly at: string;
  };
}

export interface AlertDelivered {
  readonly type: 'AlertDelivered';
  readonly data: {
    readonly deliveryId: string;
    readonly attempt: number;
    readonly status: number | null;
    readonly at: string;
  };
}

/** The last attempt failed (or retrying could not help): reported to the municipality's admins. */
export interface AlertDeliveryFailed {
  readonly type: 'AlertDeliveryFailed';
  readonly data: {
    readonly deliveryId: string;
    readonly attempts: number;
    readonly status: number | null;
    readonly error: string;
    readonly at: string;
  };
}

/** An admin asked for a delivery to be sent again (whatever became of it). */
export interface AlertResendRequested {
  readonly type: 'AlertResendRequested';
  readonly data: { readonly deliveryId: string; readonly at: string };
}

export type SubscriptionEvent =
  AlertSubscriptionCreated | AlertSubscriptionChanged | AlertSubscriptionRemoved | WebhookSecretRotated;

export type DeliveryEvent =
  | AlertDigestPrepared
  | AlertDeliveryAttemptFailed
  | AlertDelivered
  | AlertDeliveryFailed
  | AlertResendRequested;

export type AlertEvent = SubscriptionEvent | DeliveryEvent;
