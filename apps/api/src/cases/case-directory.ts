import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { CaseOpened } from '@fristvagt/domain';
import { EVENT_STORE, type EventStore, type Position, type RecordedEvent } from '@fristvagt/event-store';
import { LOGGER, type Logger } from '@fristvagt/logging';

/** How often the directory reads what other processes have written, when nobody asks sooner. */
export const DIRECTORY_POLL_MS = 1_000;
/**
 * A lookup reads the log first only when the directory has not read it to its end for this long. Where the
 * store has readCommittedAfter, that read is not what makes a lookup complete (readCommittedAfter finds every
 * committed opening past the checkpoint, however old); it keeps the range readCommittedAfter scans short.
 */
export const FRESH_CHECKPOINT_MS = 100;
const BATCH = 1_000;

/**
 * Which cases belong to a person, by the keyed hash of the CPR number: a read model of every `CaseOpened`,
 * rebuilt from the event log at start, before the server listens. It reads the log from its checkpoint once
 * a second, and before it answers a lookup it reads the cases opened past its checkpoint, which readAll holds
 * back while any transaction on the server is open (readCommittedAfter), so a lookup finds every case whose
 * opening command had answered before it was asked, in any process. A lookup reads the log itself first when
 * the checkpoint is older than FRESH_CHECKPOINT_MS, or always where the store cannot readCommittedAfter.
 *
 * It polls instead of following a live subscription on purpose: a live subscriber reads the log back
 * after every append, which at a thousand commands a second doubles the database's work for an index
 * that is read rarely.
 */
@Injectable()
export class CaseDirectory implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly byPerson = new Map<string, Set<string>>();
  private checkpoint: Position | 'start' = 'start';
  /** When the last read that reached the log's end began (performance.now()); -Infinity before the first. */
  private readToEndAt = Number.NEGATIVE_INFINITY;
  private reading: Promise<void> | undefined;
  /** A read that starts once the current one has ended, shared by the lookups that arrive meanwhile. */
  private nextReading: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Reads the whole log before the server starts listening (Nest awaits this before `listen`): a lookup
   * right after a start then finds every case without waiting, and the first requests after a restart do
   * not share the process with the rebuild. A log of a million events takes a few seconds.
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.catchUp();
    this.timer = setInterval(() => {
      this.catchUp().catch((error: unknown) => {
        // Lookups retry the read themselves; a failing poll only delays other processes' cases.
        this.logger.warn({ err: error }, 'case directory could not read the event log');
      });
    }, DIRECTORY_POLL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.reading?.catch(() => undefined);
  }

  /**
   * Case ids opened for this person, in any municipality (the caller filters by scope), after reading every
   * append that had committed when it was called: the openings past the checkpoint by readCommittedAfter, and
   * the log itself first where the store has no readCommittedAfter or the checkpoint is older than
   * FRESH_CHECKPOINT_MS (a read shared by the lookups meanwhile).
   */
  async casesOf(lookupHash: string): Promise<string[]> {
    if (
      this.store.readCommittedAfter === undefined ||
      performance.now() - this.readToEndAt > FRESH_CHECKPOINT_MS
    ) {
      await this.readStartingNow();
    }
    await this.readCommittedBeyondCheckpoint();
    return [...(this.byPerson.get(lookupHash) ?? [])];
  }

  /**
   * The cases opened past the checkpoint that readAll does not return yet because some transaction on the server
   * is still open: the directory is a set, so they are applied now and again when the checkpoint passes them.
   * This is what finds a case the moment the command that opened it has answered, in any process.
   */
  private async readCommittedBeyondCheckpoint(): Promise<void> {
    if (this.store.readCommittedAfter === undefined) return;
    for (let after = this.checkpoint; ;) {
      const batch = await this.store.readCommittedAfter(after, ['CaseOpened'], BATCH);
      for (const event of batch) this.apply(event);
      if (batch.length < BATCH) return;
      after = batch[batch.length - 1].position;
    }
  }

  /** A read that starts after this call: a read already under way may have begun before the store settled. */
  private readStartingNow(): Promise<void> {
    if (this.reading === undefined) return this.catchUp();
    this.nextReading ??= this.reading
      .catch(() => undefined)
      .then(() => {
        this.nextReading = undefined;
        return this.catchUp();
      });
    return this.nextReading;
  }

  /** Reads the log from the checkpoint to its end; concurrent callers share one read. */
  catchUp(): Promise<void> {
    this.reading ??= this.readToEnd().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async readToEnd(): Promise<void> {
    const began = performance.now();
    while (!this.stopped) {
      const batch = await this.store.readAll({ fromPosition: this.checkpoint, maxCount: BATCH });
      for (const event of batch) {
        this.apply(event);
        this.checkpoint = event.position;
      }
      if (batch.length < BATCH) {
        this.readToEndAt = began;
        return;
      }
    }
  }

  private apply(event: RecordedEvent): void {
    if (event.type !== 'CaseOpened' || !event.streamName.startsWith('case-')) return;
    const { caseId, person } = event.data as CaseOpened['data'];
    if (person === null) return;
    let cases = this.byPerson.get(person.cprLookupHash);
    if (cases === undefined) {
      cases = new Set();
      this.byPerson.set(person.cprLookupHash, cases);
    }
    cases.add(caseId);
  }
}
