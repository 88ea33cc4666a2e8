import type { LocalDate } from './calendar';
import type {
  Basis,
  EarlierFact,
  FactEvent,
  FactMatcher,
  FactRef,
  PersonReference,
  RulePackRef,
  Subject,
} from './events';

export interface ObligationState {
  readonly obligationId: string;
  readonly ruleId: string;
  readonly variant: string;
  readonly subject: Subject;
  readonly dueAt: string | null;
  readonly dueDate: LocalDate | null;
  readonly strictDueAt: string | null;
  readonly rolledDueAt: string | null;
  readonly warnAt: string | null;
  readonly basis: Basis;
  readonly citation: string;
  readonly rulePack: RulePackRef;
  readonly triggeredBy: FactRef;
  readonly fulfilledBy: readonly FactMatcher[];
  readonly cancelledBy: readonly FactMatcher[];
  readonly openedAt: string;
  /** open until fulfilled, cancelled or waived; a breached obligation stays open (visible) until then. */
  readonly status: 'open' | 'fulfilled' | 'cancelled' | 'waived';
  readonly breached: boolean;
  readonly breachedAt: string | null;
  readonly warned: boolean;
  readonly fulfilledAt: string | null;
  readonly onTime: boolean | null;
  /** The earlier fact, perhaps in another case of the youth, the rule looked at (NSR-REOFFENCE: the council). */
  readonly refersTo: EarlierFact | null;
  /** Opened after the fact, because a fact posted late changed what its trigger should have opened. */
  readonly openedForLateFact: FactRef | null;
  /** Cancelled because a fact posted late showed it should never have opened (`superseded-by-late-fact`). */
  readonly supersededBy: FactRef | null;
}

export interface Period {
  readonly startedAt: string;
  readonly endedAt: string | null;
}

export interface CouncilState {
  readonly documentationId: string | null;
  readonly convenedAt: string;
  readonly outcome: { readonly held: boolean; readonly at: string } | null;
}

export interface MeasureState {
  readonly decidedAt: string;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly followUps: number;
  readonly intervalMonths: number | null;
  readonly statusStatements: number;
}

export interface CaseState {
  readonly opened: boolean;
  readonly caseId: string | null;
  readonly municipality: string | null;
  readonly birthDate: LocalDate | null;
  readonly person: PersonReference | null;
  readonly placements: Readonly<Record<string, Period>>;
  readonly documentation: Readonly<Record<string, { readonly receivedAt: string }>>;
  readonly councils: Readonly<Record<string, CouncilState>>;
  readonly plans: Readonly<Record<string, { readonly adoptedAt: string }>>;
  readonly measures: Readonly<Record<string, MeasureState>>;
  readonly aftercareRequests: Readonly<Record<string, { readonly requestedAt: string }>>;
  readonly aftercare: Readonly<
    Record<
      string,
      { readonly grantedAt: string; readonly startDate: LocalDate; readonly endedAt: string | null }
    >
  >;
  readonly notifications: Readonly<Record<string, NotificationState>>;
  readonly investigations: Readonly<Record<string, InvestigationState>>;
  readonly obligations: Readonly<Record<string, ObligationState>>;
  /** Every fact of the case, newest recorded first: what a late fact re-derives the obligations from. */
  readonly facts: RecordedFacts | null;
  /** The latest business time of any fact so far: a fact dated before it arrives late. */
  readonly lastFactAt: string | null;
  /** The highest factRank among the facts at `lastFactAt`: a fact at that instant that ranks lower arrives late. */
  readonly lastFactRank: number;
}

/** A list that grows at its head without copying, so folding a long stream stays linear. */
export interface RecordedFacts {
  readonly fact: FactEvent;
  readonly previous: RecordedFacts | null;
}

export interface NotificationState {
  readonly receivedAt: string;
  readonly assessedAt: string | null;
}

export interface InvestigationState {
  readonly startedAt: string;
  readonly preliminaryAssessmentAt: string | null;
  readonly completedAt: string | null;
}

export const initialCaseState: CaseState = {
  opened: false,
  caseId: null,
  municipality: null,
  birthDate: null,
  person: null,
  placements: {},
  documentation: {},
  councils: {},
  plans: {},
  measures: {},
  aftercareRequests: {},
  aftercare: {},
  notifications: {},
  investigations: {},
  obligations: {},
  facts: null,
  lastFactAt: null,
  lastFactRank: 0,
};

/** An opened case, with the fields that opening guarantees. */
export interface OpenedCaseState extends CaseState {
  readonly opened: true;
  readonly caseId: string;
  readonly municipality: string;
  readonly birthDate: LocalDate;
}

export function isOpened(state: CaseState): state is OpenedCaseState {
  return state.opened;
}

export function hasActivePlacement(state: CaseState): boolean {
  return Object.values(state.placements).some((placement) => placement.endedAt === null);
}

export function hasActiveContactPerson(state: CaseState): boolean {
  return Object.values(state.measures).some(
    (measure) => measure.startedAt !== null && measure.endedAt === null,
  );
}

export function openObligations(state: CaseState): ObligationState[] {
  return Object.values(state.obligations).filter((obligation) => obligation.status === 'open');
}

/** A fact at `occurredAt` arrives late: dated before a fact the case already holds (late-facts.ts). */
export function arrivesLate(state: CaseState, occurredAt: string, rank = 0): boolean {
  if (state.lastFactAt === null) return false;
  const at = Date.parse(occurredAt);
  const last = Date.parse(state.lastFactAt);
  return at < last || (at === last && rank < state.lastFactRank);
}

/** The case's facts in the order they were recorded. */
export function recordedFacts(state: CaseState): FactEvent[] {
  const facts: FactEvent[] = [];
  for (let node = state.facts; node !== null; node = node.previous) facts.push(node.fact);
  return facts.reverse();
}
