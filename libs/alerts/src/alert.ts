/**
 * What supervisors are told, and nothing more: case id, municipality, rule, due and detection instants.
 * Never a CPR number or a name (e-mail and webhooks leave the system).
 */
export const ALERT_KINDS = ['due-soon', 'breached', 'fulfilled-late'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface ObligationAlert {
  /** Stable across retries and re-sends: receivers de-duplicate by it. */
  readonly alertId: string;
  readonly kind: AlertKind;
  readonly municipality: string;
  readonly caseId: string;
  readonly obligationId: string;
  readonly ruleId: string;
  /** ISO UTC: when the obligation is (was) due. */
  readonly dueAt: string | null;
  /** ISO UTC: when Fristvagt detected the warning or breach, or when the late fulfilment happened. */
  readonly detectedAt: string;
  /** The rule's citation as the rule pack gives it. */
  readonly citation: string;
  /** Link to the case in the supervisors' web page. */
  readonly caseUrl: string;
}

export interface DigestEntry {
  readonly caseId: string;
  readonly obligationId: string;
  readonly ruleId: string;
  readonly dueAt: string | null;
  readonly breachDetectedAt: string | null;
  readonly citation: string;
  readonly caseUrl: string;
}

/** The daily digest of one subscription: what falls due in the next 7 days and what was breached since the last one. */
export interface DigestAlert {
  readonly alertId: string;
  readonly kind: 'digest';
  readonly municipality: string;
  /** ISO UTC: the digest covers breaches detected in [since, at) and dues in [at, at + 7 days). */
  readonly since: string;
  readonly at: string;
  readonly dueSoon: readonly DigestEntry[];
  readonly breached: readonly DigestEntry[];
}

export type Alert = ObligationAlert | DigestAlert;

export type AlertChannel =
  { readonly kind: 'webhook'; readonly url: string } | { readonly kind: 'email'; readonly address: string };

/** The outcome of one attempt to deliver one alert over one channel. */
export type DeliveryResult =
  | { readonly ok: true; readonly status?: number }
  /** `retryable` false: retrying cannot help (e.g. the destination is refused); the delivery fails at once. */
  | { readonly ok: false; readonly retryable: boolean; readonly status?: number; readonly error: string };

/** Sends alerts over one kind of channel. Implementations never throw for a delivery problem: they return it. */
export interface AlertSender {
  readonly channel: AlertChannel['kind'];
  send(alert: Alert, destination: AlertChannel, context: SendContext): Promise<DeliveryResult>;
}

export interface SendContext {
  readonly subscriptionId: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Webhook signing secrets valid now (the current one first; the previous one during a rotation's overlap). */
  readonly secrets?: readonly string[];
}
