import { setFlagsFromString } from 'node:v8';

/**
 * Turns off V8's allocation-site pretenuring for this process. Called first by every entry point (the api and
 * worker process, the CLI) and by the benchmarks that stand in for them.
 *
 * Why: reading a stream decodes its events in one burst (an object literal per event, holding the parsed
 * data). A scavenge during that burst finds nearly all of that literal's objects alive, so V8 starts
 * allocating them in the old generation. Those events are garbage a few milliseconds later, but an old
 * object is only freed by the next full collection; until then every young object it points to (each
 * event's data, ids, positions) counts as alive, is copied by each scavenge and promoted. Measured on a
 * 1,000-event case (`bench:audit`, 2026-12-03): 16 MB surviving each scavenge and 20 ms pauses instead of
 * 0.1-0.3 MB and 1.3 ms, a full collection every second, and the history's p99 at 24-26 ms instead of
 * 8-9 ms. The projections' rebuild loses nothing by it (docs/benchmarks.md).
 *
 * A flag V8 reads whenever a scavenge evaluates its allocation sites, so setting it once at start, before
 * any site has been judged, has the same effect as `node --no-allocation-site-pretenuring` (measured
 * both ways); unlike the young generation's size, it needs no command-line flag, so the process behaves the
 * same however it is started (npm start, the Docker image, a test harness, systemd).
 */
export function tuneGarbageCollection(): void {
  setFlagsFromString('--no-allocation-site-pretenuring');
}
