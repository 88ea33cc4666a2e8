import {
  type CaseCommand,
  type CaseState,
  combineYouthHistories,
  isOpened,
  needsYouthHistory,
  youthHistoryOf,
  type YouthHistory,
} from '@fristvagt/domain';
import { type EventStore, StreamNotFound } from '@fristvagt/event-store';
import { caseStreamName, foldCase } from './case-stream';

/** Whose history was loaded: the youth (by CPR lookup hash), the municipality, and the case it is for. */
export interface YouthHistoryKey {
  readonly caseId: string;
  readonly lookupHash: string;
  readonly municipality: string;
}

export interface LoadedYouthHistory {
  readonly key: YouthHistoryKey;
  readonly history: YouthHistory;
}

/**
 * Thrown by a decision that needs the youth's other cases before they were loaded. It carries no CPR number, only
 * the keyed hash; the caller loads the history and decides again, on the case as it read it (paid only for the
 * commands `needsYouthHistory` names). A request, not a fault: it carries no stack trace, which cost 13 µs of
 * every police notification (docs/benchmarks.md, "Integration API", 2026-12-03).
 */
export class YouthHistoryNeeded extends Error {
  readonly key: YouthHistoryKey;

  constructor(key: YouthHistoryKey) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super('The decision needs the history of the youth’s other cases');
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.key = key;
    this.name = 'YouthHistoryNeeded';
  }
}

/**
 * The history to decide `command` on `state` with: undefined where the decision cannot depend on it, the loaded
 * one where it was loaded for this youth and municipality, and otherwise YouthHistoryNeeded.
 */
export function youthHistoryFor(
  command: CaseCommand,
  state: CaseState,
  loaded: LoadedYouthHistory | undefined,
): YouthHistory | undefined {
  if (!isOpened(state) || state.person === null || !needsYouthHistory(command, state)) return undefined;
  const key = {
    caseId: state.caseId,
    lookupHash: state.person.cprLookupHash,
    municipality: state.municipality,
  };
  if (
    loaded !== undefined &&
    loaded.key.caseId === key.caseId &&
    loaded.key.lookupHash === key.lookupHash &&
    loaded.key.municipality === key.municipality
  ) {
    return loaded.history;
  }
  throw new YouthHistoryNeeded(key);
}

/**
 * Folds the youth's other cases (`caseIds`, from whatever index knows them by lookup hash) and keeps those that
 * are the same youth's and now lie in the same municipality: the rules look at the youth's history there only.
 */
export async function loadYouthHistory(
  store: EventStore,
  key: YouthHistoryKey,
  caseIds: readonly string[],
): Promise<LoadedYouthHistory> {
  const others = caseIds.filter((caseId) => caseId.toLowerCase() !== key.caseId.toLowerCase());
  const states = await Promise.all(
    others.map(async (caseId) => {
      try {
        return foldCase(await store.readStream(caseStreamName(caseId)));
      } catch (error) {
        if (error instanceof StreamNotFound) return undefined;
        throw error;
      }
    }),
  );
  const sameYouthHere = states.filter(
    (state): state is CaseState =>
      state !== undefined &&
      isOpened(state) &&
      state.municipality === key.municipality &&
      state.person?.cprLookupHash === key.lookupHash,
  );
  return { key, history: combineYouthHistories(sameYouthHere.map(youthHistoryOf)) };
}
