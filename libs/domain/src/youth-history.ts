/**
 * The youth, not the case (DOMAIN.md, "The youth, not the case"): the one-year re-offence rule and aftercare
 * eligibility look at every case of the same youth (the same CPR lookup hash) in the municipality. The domain
 * stays pure: the shell finds the youth's other cases, folds them, and hands the decider what they tell the
 * rules, as `DecideContext.youthHistory`. A case's own facts are in its state and are never repeated here.
 */
import type { CaseCommand } from './commands';
import type { EarlierFact } from './events';
import { arrivesLate, type CaseState } from './state';

/** A council held in one of the youth's cases. */
export interface HeldCouncil {
  readonly caseId: string;
  readonly councilId: string;
  /** When it was held (business time). */
  readonly heldAt: string;
}

/** A placement or a contact-person measure in one of the youth's cases; `endedAt` null while it lasts. */
export interface SupportPeriod {
  readonly caseId: string;
  readonly kind: 'placement' | 'contact-person';
  readonly startedAt: string;
  readonly endedAt: string | null;
}

export interface YouthHistory {
  readonly councilsHeld: readonly HeldCouncil[];
  readonly support: readonly SupportPeriod[];
}

export const NO_YOUTH_HISTORY: YouthHistory = { councilsHeld: [], support: [] };

const ms = (value: string): number => Date.parse(value);

/** What one case tells the rules about its youth, for the youth's other cases. */
export function youthHistoryOf(state: CaseState): YouthHistory {
  const caseId = state.caseId;
  if (caseId === null) return NO_YOUTH_HISTORY;
  const councilsHeld = Object.entries(state.councils).flatMap(([councilId, council]) =>
    council.outcome?.held === true ? [{ caseId, councilId, heldAt: council.outcome.at }] : [],
  );
  const support: SupportPeriod[] = [
    ...Object.values(state.placements).map((period) => ({
      caseId,
      kind: 'placement' as const,
      startedAt: period.startedAt,
      endedAt: period.endedAt,
    })),
    ...Object.values(state.measures).flatMap((measure) =>
      measure.startedAt === null
        ? []
        : [
            {
              caseId,
              kind: 'contact-person' as const,
              startedAt: measure.startedAt,
              endedAt: measure.endedAt,
            },
          ],
    ),
  ];
  return { councilsHeld, support };
}

/** The histories of several cases as one, in a stable order (by case id, then time). */
export function combineYouthHistories(histories: readonly YouthHistory[]): YouthHistory {
  return {
    councilsHeld: histories
      .flatMap((history) => history.councilsHeld)
      .sort((a, b) => a.caseId.localeCompare(b.caseId) || a.heldAt.localeCompare(b.heldAt)),
    support: histories
      .flatMap((history) => history.support)
      .sort((a, b) => a.caseId.localeCompare(b.caseId) || a.startedAt.localeCompare(b.startedAt)),
  };
}

/** The reference an obligation carries to the held council it follows from. */
export function heldCouncilRef(council: HeldCouncil): EarlierFact {
  return {
    caseId: council.caseId,
    type: 'CouncilHeld',
    key: `${council.councilId}@${council.heldAt}`,
    occurredAt: council.heldAt,
  };
}

/** True when one of the youth's other cases has a placement or a contact person going on at `at`. */
export function supportedElsewhereAt(history: YouthHistory, at: string): boolean {
  return history.support.some(
    (period) => ms(period.startedAt) <= ms(at) && (period.endedAt === null || ms(period.endedAt) > ms(at)),
  );
}

const NEEDS_HISTORY: ReadonlySet<CaseCommand['type']> = new Set<CaseCommand['type']>([
  'RecordPoliceDocumentation',
  'EndPlacement',
  'EndContactPerson',
]);

/**
 * Whether deciding `command` on `state` can depend on the youth's other cases, so the shell knows when it must
 * load them: a notification (re-offence), the end of a placement or a contact person (aftercare eligibility),
 * and any fact that arrives late, since it re-derives the case's obligations in business-time order (see
 * late-facts.ts). CheckObligation never does: a wake-up only compares a recorded due with `now`.
 */
export function needsYouthHistory(command: CaseCommand, state: CaseState): boolean {
  if (state.person === null || command.type === 'CheckObligation' || command.type === 'WaiveObligation') {
    return false;
  }
  if (NEEDS_HISTORY.has(command.type)) return true;
  return arrivesLate(state, command.occurredAt);
}
