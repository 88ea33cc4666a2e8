import { Inject, Injectable } from '@nestjs/common';
import { loadYouthHistory, type LoadedYouthHistory, YouthHistoryNeeded } from '@fristvagt/case-commands';
import { EVENT_STORE, type EventStore } from '@fristvagt/event-store';
import { CaseDirectory } from './case-directory';

/** A decision asks for the history at most this often before it is decided with the last one loaded. */
const MAX_LOADS = 3;

/**
 * The youth's other cases for the command handler: the CaseDirectory knows them by CPR lookup hash, the store
 * holds their streams. A decision that needs them throws YouthHistoryNeeded (the decider stays synchronous and
 * pure); `deciding` then loads the history and runs the decision again with it.
 */
@Injectable()
export class YouthHistories {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly directory: CaseDirectory,
  ) {}

  async deciding<T>(decide: (history: LoadedYouthHistory | undefined) => Promise<T>): Promise<T> {
    let history: LoadedYouthHistory | undefined;
    for (let loads = 0; ; loads++) {
      try {
        return await decide(history);
      } catch (error) {
        // A case transferred while its history was loaded asks again; one that keeps moving is an error.
        if (!(error instanceof YouthHistoryNeeded) || loads >= MAX_LOADS) throw error;
        const caseIds = await this.directory.casesOf(error.key.lookupHash);
        history = await loadYouthHistory(this.store, error.key, caseIds);
      }
    }
  }
}
