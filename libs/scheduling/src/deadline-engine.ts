import { checkObligation, type CheckObligationOutcome } from '@fristvagt/case-commands';
import type { Clock } from '@fristvagt/config';
import { compareInstants, type ObligationOpened, type ResolvedRules } from '@fristvagt/domain';
import type { EventStore, RecordedEvent } from '@fristvagt/event-store';
import type { DueCheck, ObligationsReadModel } from '@fristvagt/projections';
import type { WakeUp, WakeUpHandlers, WakeUpScheduler } from './scheduler.port';

export interface DeadlineEngineOptions {
  readonly horizonMs: number;
  /** Most obligations one sweep reads (overdue first, then by instant). Default 100,000. */
  readonly sweepLimit?: number;
  /** Overdue obligations a sweep checks at once. Default 16. */
  readonly checkConcurrency?: number;
  /** Every check that appended events (a warning or a breach), for logs and metrics. */
  readonly onChecked?: (wakeUp: WakeUp, outcome: CheckObligationOutcome, detectedAt: string) => void;
  /** Every check that threw (the scheduler retries it), for metrics. */
  readonly onCheckFailed?: (wakeUp: WakeUp, error: unknown) => void;
}

export interface SweepReport {
  readonly overdue: number;
  readonly scheduled: number;
  readonly durationMs: number;
}

const CASE_STREAM_PREFIX = 'case-';

/**
 * Makes deadlines enforce themselves. Wake-ups come from the scheduler at each warning and due instant
 * and become CheckObligation commands; the projection reports each committed batch so that new
 * obligations are scheduled at once; the sweep refills the scheduler's horizon from the read model and
 * checks every obligation that is past its instant and still unmarked, whatever was lost in between.
 */
export class DeadlineEngine {
  /** needs' window, made again only when the clock has moved on; see needs. */
  private needsWindow: InstantWindow | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly readModel: ObligationsReadModel,
    private readonly scheduler: WakeUpScheduler,
    private readonly clock: Clock,
    private readonly rulesFor: (municipality: string) => ResolvedRules,
    private readonly options: DeadlineEngineOptions,
  ) {}

  handlers(): WakeUpHandlers {
    return {
      onWakeUp: (wakeUp) => this.check(wakeUp).then(() => undefined),
      onSweep: () => this.sweep().then(() => undefined),
    };
  }

  /** One wake-up: CheckObligation at the clock's now. Throws on store trouble, so the scheduler retries it. */
  async check(wakeUp: WakeUp): Promise<CheckObligationOutcome> {
    const now = this.clock.now().toISOString();
    const outcome = await checkObligation(this.store, {
      caseId: wakeUp.caseId,
      obligationId: wakeUp.obligationId,
      now,
      rulesFor: this.rulesFor,
    }).catch((error: unknown) => {
      this.options.onCheckFailed?.(wakeUp, error);
      throw error;
    });
    this.options.onChecked?.(wakeUp, outcome, now);
    return outcome;
  }

  async sweep(): Promise<SweepReport> {
    const started = performance.now();
    const now = this.clock.now();
    const until = new Date(now.getTime() + this.options.horizonMs).toISOString();
    const { overdue, upcoming } = await this.readModel.dueChecks(
      now.toISOString(),
      until,
      this.options.sweepLimit ?? 100_000,
    );
    await this.scheduler.schedule(upcoming.map(toWakeUp));
    await forEachLimit(uniqueObligations(overdue), this.options.checkConcurrency ?? 16, (check) =>
      this.check(toWakeUp(check)).then(() => undefined),
    );
    return { overdue: overdue.length, scheduled: upcoming.length, durationMs: performance.now() - started };
  }

  /**
   * After a projected batch: the warning and due instants of the obligations it opened, if still ahead and
   * within the horizon. Later ones are left to the sweep that reaches them, as the scheduler would drop them:
   * a rebuild's batches open a million obligations, nearly all months ahead, and making a wake-up of each only
   * for the scheduler to drop it cost the rebuild a few µs per event.
   */
  async afterCommit(events: readonly RecordedEvent[]): Promise<void> {
    const window = instantWindow(this.clock.now().getTime(), this.options.horizonMs);
    const wakeUps: WakeUp[] = [];
    for (const event of events) {
      const opened = openedOnCase(event);
      if (opened === null) continue;
      const { obligationId, warnAt, dueAt } = opened;
      const caseId = event.streamName.slice(CASE_STREAM_PREFIX.length);
      if (inWindow(warnAt, window)) wakeUps.push({ caseId, obligationId, kind: 'warn', at: warnAt });
      if (inWindow(dueAt, window)) wakeUps.push({ caseId, obligationId, kind: 'due', at: dueAt });
    }
    if (wakeUps.length > 0) await this.scheduler.schedule(wakeUps);
  }

  /**
   * Whether afterCommit may make a wake-up of `event`, asked as the log is read (the projection runner's
   * `afterCommitNeeds`), so that a rebuild does not hold the million obligations it opens until each batch
   * commits only for afterCommit to leave them out. It looks AFTER_COMMIT_SLACK_MS further than the horizon,
   * for the time between a batch's reading and its commit; afterCommit then decides as before, and what lies
   * beyond is the sweep's either way.
   */
  needs(event: RecordedEvent): boolean {
    const opened = openedOnCase(event);
    if (opened === null) return false;
    // Made again only when the clock has moved on: a rebuild reads some fifty events a millisecond, and each
    // instant is then compared as text (compareInstants), not parsed, twice per obligation it opens.
    const now = this.clock.now().getTime();
    if (this.needsWindow?.now !== now) {
      this.needsWindow = instantWindow(now, this.options.horizonMs + AFTER_COMMIT_SLACK_MS);
    }
    return inWindow(opened.warnAt, this.needsWindow) || inWindow(opened.dueAt, this.needsWindow);
  }
}

/** See DeadlineEngine.needs: far longer than a batch takes from its reading to its commit. */
const AFTER_COMMIT_SLACK_MS = 3_600_000;

function openedOnCase(event: RecordedEvent): ObligationOpened['data'] | null {
  if (event.type !== 'ObligationOpened' || !event.streamName.startsWith(CASE_STREAM_PREFIX)) return null;
  return event.data as ObligationOpened['data'];
}

/** The instants after `now` and no later than `span` ms after it, as texts to compare instants with. */
interface InstantWindow {
  readonly now: number;
  readonly after: string;
  readonly until: string;
}

function instantWindow(now: number, span: number): InstantWindow {
  return { now, after: new Date(now).toISOString(), until: new Date(now + span).toISOString() };
}

function inWindow(at: string | null, window: InstantWindow): at is string {
  return at !== null && compareInstants(at, window.after) > 0 && compareInstants(at, window.until) <= 0;
}

function toWakeUp(check: DueCheck): WakeUp {
  return { caseId: check.caseId, obligationId: check.obligationId, kind: check.kind, at: check.at };
}

/** One check per obligation: a check past the due breaches, so an overdue warning of the same obligation adds nothing. */
function uniqueObligations(checks: readonly DueCheck[]): DueCheck[] {
  const seen = new Set<string>();
  const unique: DueCheck[] = [];
  for (const check of [...checks].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'due' ? -1 : 1))) {
    const key = `${check.caseId}\u001f${check.obligationId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(check);
  }
  return unique;
}

async function forEachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item).catch((error: unknown) => errors.push(error));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (errors.length > 0)
    throw new AggregateError(errors, `${errors.length} of ${items.length} overdue checks failed`);
}
