import type { MunicipalSettingsTimeline } from '@fristvagt/domain';
import type { RecordedEvent } from '@fristvagt/event-store';
import type { MunicipalSettingsStore } from './municipal-settings-store';

/** A decision needs the timelines of municipalities that were not loaded before it (a national key's case). */
export class MunicipalSettingsNeeded extends Error {
  constructor(readonly codes: readonly string[]) {
    super(`The settings of municipalities ${codes.join(', ')} are needed for this decision`);
    this.name = 'MunicipalSettingsNeeded';
  }
}

/** The timelines loaded for one command; `for` throws MunicipalSettingsNeeded for those not loaded. */
export interface LoadedMunicipalSettings {
  for(codes: readonly string[]): Readonly<Record<string, MunicipalSettingsTimeline>>;
}

/** A key scoped to more municipalities than this has its case's timeline loaded on demand instead. */
const MAX_PRELOADED = 3;

/**
 * Runs a case command with the settings timelines of the municipalities it may act in, read fresh for each
 * command (one read of a short stream per municipality, side by side; nothing cached, so a setting recorded
 * by another API process counts at once). The municipality of an existing case is known only once its
 * stream is read: the caller's scope names it for a key of a few municipalities; for a wider key the decision
 * asks (MunicipalSettingsNeeded) and runs again with it, as YouthHistories does.
 */
export async function decidingWithSettings<T>(
  store: MunicipalSettingsStore | undefined,
  candidates: readonly string[] | '*',
  run: (settings: LoadedMunicipalSettings) => Promise<T>,
  preloaded?: Record<string, MunicipalSettingsTimeline>,
): Promise<T> {
  if (store === undefined) return run({ for: () => ({}) });
  let loaded: Record<string, MunicipalSettingsTimeline> =
    preloaded ??
    (candidates !== '*' && candidates.length <= MAX_PRELOADED ? await store.timelines(candidates) : {});
  for (let asked = 0; ; asked++) {
    const current = loaded;
    try {
      return await run({
        for(codes) {
          const missing = codes.filter((code) => !Object.hasOwn(current, code));
          if (missing.length > 0) throw new MunicipalSettingsNeeded(missing);
          return Object.fromEntries(codes.map((code) => [code, current[code]]));
        },
      });
    } catch (error) {
      if (!(error instanceof MunicipalSettingsNeeded) || asked >= 2) throw error;
      loaded = { ...loaded, ...(await store.timelines(error.codes)) };
    }
  }
}

/**
 * The timelines decidingWithSettings reads first, read together with `stream` (the command's case) in one round
 * trip where the event store can; undefined where it cannot, or where the candidates are read on demand.
 */
export async function settingsBeside(
  store: MunicipalSettingsStore | undefined,
  candidates: readonly string[] | '*',
  stream: string,
): Promise<{ timelines: Record<string, MunicipalSettingsTimeline>; events: RecordedEvent[] } | undefined> {
  if (store === undefined || candidates === '*' || candidates.length > MAX_PRELOADED) return undefined;
  return store.timelinesBeside(candidates, stream);
}
