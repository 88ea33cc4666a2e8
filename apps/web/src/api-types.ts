/** The parts of the API's answers the page reads (the OpenAPI document at /docs-json has them in full). */
import type { Role } from './labels';

export interface Session {
  readonly keyId: string;
  readonly role: Role;
  readonly municipalities: readonly string[] | '*';
  readonly csrfToken: string;
  readonly expiresAt: string;
  readonly idleExpiresAt: string;
}

export type ObligationState = 'open' | 'due-soon' | 'breached' | 'fulfilled' | 'cancelled' | 'waived';

export interface ObligationItem {
  readonly caseId: string;
  readonly obligationId: string;
  readonly municipality: string;
  readonly ruleId: string;
  readonly variant: string;
  readonly title: string;
  readonly basis: string;
  readonly citation: string;
  readonly openedAt: string;
  readonly dueAt: string | null;
  readonly dueDate: string | null;
  readonly warnAt: string | null;
  readonly state: ObligationState;
  readonly warnDetectedAt: string | null;
  readonly breachDetectedAt: string | null;
}

export interface ObligationPage {
  readonly items: ObligationItem[];
  readonly next: string | null;
}

export interface RuleEntry {
  readonly ruleId: string;
  readonly variant: string;
  readonly title: string;
  /** The rule in Danish, e.g. "Netværkssamråd skal indkaldes": how the page names it. */
  readonly titleDa: string;
  readonly basis: string;
  readonly citation: string;
  readonly citationVerified: boolean;
  readonly effective: { readonly from: string; readonly to: string | null };
  readonly warningLeadDays: number;
  readonly municipalOverrides: readonly { readonly municipality: string; readonly name: string | null }[];
}

export interface RuleCatalogue {
  readonly rules: RuleEntry[];
}

export interface CaseObligationView {
  readonly obligationId: string;
  readonly ruleId: string;
  readonly title: string;
  readonly basis: string;
  readonly citation: string;
  readonly dueAt: string | null;
  readonly dueDate: string | null;
  readonly status: string;
  readonly breached: boolean;
}

export interface CaseView {
  readonly caseId: string;
  readonly municipality: string;
  readonly revision: number;
  readonly person: { readonly birthDate: string } | null;
  readonly obligations: { readonly open: CaseObligationView[]; readonly closed: CaseObligationView[] };
}

export interface HistoryEvent {
  readonly revision: number;
  readonly eventId: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly actor: string | null;
  readonly data: Record<string, unknown>;
}

export type LifeKind = 'opened' | 'warned' | 'breached' | 'fulfilled' | 'cancelled' | 'waived';

export interface LifeStep {
  readonly kind: LifeKind;
  readonly at: string;
  readonly recordedAt: string;
  readonly revision: number;
  readonly by?: string | null;
  readonly onTime?: boolean | null;
  readonly reason?: string | null;
  readonly justification?: string | null;
}

export interface HistoryObligation {
  readonly obligationId: string;
  readonly ruleId: string;
  readonly title: string;
  readonly basis: string;
  readonly citation: string;
  readonly variant: string;
  readonly dueAt: string | null;
  readonly dueDate?: string | null;
  readonly status: string;
  readonly breached: boolean;
  readonly life: LifeStep[];
}

export interface CaseHistory {
  readonly caseId: string;
  readonly municipality: string;
  readonly revision: number;
  readonly events: HistoryEvent[];
  readonly obligations: HistoryObligation[];
}

export interface ComplianceMonth {
  readonly month: string;
  readonly due: number;
  readonly fulfilledOnTime: number;
  readonly fulfilledLate: number;
  readonly breachedOpen: number;
  readonly openNotDue: number;
  readonly waived: number;
  readonly cancelled: number;
  readonly onTimeShare: number | null;
}

export interface ComplianceRule {
  readonly ruleId: string;
  readonly title: string;
  readonly basis: string;
  readonly citation: string;
  readonly months: ComplianceMonth[];
}

export interface ConvocationBin {
  readonly label: string;
  readonly minDays: number;
  readonly maxDays: number | null;
  readonly count: number;
}

export interface Compliance {
  readonly from: string;
  readonly to: string;
  readonly municipalities: readonly string[] | '*';
  readonly rules: ComplianceRule[];
  readonly networkCouncilConvocation: {
    readonly ruleId: string;
    readonly bins: ConvocationBin[];
    readonly notConvened: number;
    readonly total: number;
  };
}

/** One message of the alert stream (`data:` of `due-soon`, `breached`, `fulfilled-late`). */
export interface AlertMessage {
  readonly caseId: string;
  readonly municipality: string;
  readonly obligationId: string;
  readonly ruleId: string;
  readonly dueAt: string | null;
  readonly detectedAt: string;
}

export type AlertKind = 'due-soon' | 'breached' | 'fulfilled-late';
