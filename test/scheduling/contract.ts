import { randomBytes } from 'node:crypto';
import { type Clock, offsetClock } from '@fristvagt/config';
import {
  type RetryPolicy,
  type WakeUp,
  type WakeUpHandlers,
  type WakeUpScheduler,
  wakeUpId,
} from '@fristvagt/scheduling';

/** What the contract passes to an adapter's factory. */
export interface OpenOptions {
  /** Several schedulers opened on one queue are several processes of one deployment. */
  readonly queueName: string;
  readonly horizonMs: number;
  readonly sweepEveryMs: number;
  readonly concurrency: number;
  readonly clock: Clock;
  readonly retry: Partial<RetryPolicy>;
}

/** What a contract run needs from an adapter's test file. */
export interface SchedulerSubject {
  open(options: OpenOptions): Promise<WakeUpScheduler>;
  /** Whether schedulers on one queue share its wake-ups (BullMQ) or each keeps its own (in-process timers). */
  readonly shared: boolean;
}

/**
 * Two days ahead of the system clock: an adapter that read Date.now() instead of the injected clock would
 * wait two days for a wake-up due in a second, and the tests below would time out.
 */
export const CLOCK = offsetClock(2 * 24 * 3600_000);

/**
 * How late a wake-up may fire. Measured on an idle machine: in-process timers 0 to 3 ms; BullMQ on
 * PostgreSQL 3 to 30 ms (up to 250 ms for 200 due within a second); BullMQ on Redis up to 100 ms, because
 * Redis ends a blocking wait only at its server tick (hz 10).
 */
export const MAX_LATENESS_MS = 500;

const LONG_SWEEP_INTERVAL_MS = 60_000;

/** A wake-up of a case of its own, `offsetMs` after CLOCK's now. */
export function wakeUpAt(offsetMs: number): WakeUp {
  const caseId = `case-${randomBytes(4).toString('hex')}`;
  const at = new Date(CLOCK.now().getTime() + offsetMs).toISOString();
  return { caseId, obligationId: `${caseId}-obligation`, kind: 'due', at };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `condition` until it holds; otherwise fails with `describe()` of what was seen. */
export async function waitFor(
  condition: () => boolean,
  timeoutMs: number,
  describe: () => string,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`not within ${timeoutMs} ms: ${describe()}`);
    await sleep(10);
  }
}

export interface Handled {
  readonly id: string;
  readonly wakeUp: WakeUp;
  /** On CLOCK. */
  readonly handledAtMs: number;
  readonly by: string;
}

/** Handlers that record what they are called with, for one or several schedulers. */
export class Recorder {
  readonly handled: Handled[] = [];
  readonly sweeps: { by: string; startMs: number; endMs?: number }[] = [];

  handlers(by: string, overrides: Partial<WakeUpHandlers> = {}): WakeUpHandlers {
    return {
      onWakeUp: async (wakeUp) => {
        this.handled.push({ id: wakeUpId(wakeUp), wakeUp, handledAtMs: CLOCK.now().getTime(), by });
        await overrides.onWakeUp?.(wakeUp);
      },
      onSweep: async () => {
        const sweep: { by: string; startMs: number; endMs?: number } = { by, startMs: Date.now() };
        this.sweeps.push(sweep);
        try {
          await overrides.onSweep?.();
        } finally {
          sweep.endMs = Date.now();
        }
      },
    };
  }

  timesHandled(wakeUp: WakeUp): number {
    const id = wakeUpId(wakeUp);
    return this.handled.filter((h) => h.id === id).length;
  }
}

/** The WakeUpScheduler port's specification. Every adapter runs it. */
export function wakeUpSchedulerContract(subject: SchedulerSubject): void {
  const opened: WakeUpScheduler[] = [];
  let queues = 0;

  /** A queue of the test's own, so that no test consumes another's wake-ups. */
  const newQueueName = () => `contract-${process.pid}-${++queues}-${randomBytes(3).toString('hex')}`;

  async function open(options: Partial<OpenOptions> = {}): Promise<WakeUpScheduler> {
    const scheduler = await subject.open({
      queueName: options.queueName ?? newQueueName(),
      horizonMs: 3_600_000,
      sweepEveryMs: LONG_SWEEP_INTERVAL_MS,
      concurrency: 50,
      clock: CLOCK,
      retry: { attempts: 5, firstDelayMs: 100, maxDelayMs: 1_000, jitter: 0.5 },
      ...options,
    });
    opened.push(scheduler);
    return scheduler;
  }

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.stop()));
  });

  describe('a wake-up', () => {
    it('fires once, not before its instant, and within MAX_LATENESS_MS after it', async () => {
      const recorder = new Recorder();
      const scheduler = await open();
      await scheduler.start(recorder.handlers('a'));
      const wakeUps = Array.from({ length: 10 }, (_, i) => wakeUpAt(300 + i * 100));
      await scheduler.schedule(wakeUps);

      await waitFor(
        () => recorder.handled.length >= 10,
        3_000,
        () => `${recorder.handled.length} of 10 handled`,
      );
      await sleep(300); // time for a second firing, if there were one
      for (const wakeUp of wakeUps) {
        expect(recorder.timesHandled(wakeUp)).toBe(1);
        const { handledAtMs } = recorder.handled.find((h) => h.wakeUp.caseId === wakeUp.caseId)!;
        const latenessMs = handledAtMs - Date.parse(wakeUp.at);
        expect(latenessMs).toBeGreaterThanOrEqual(0);
        expect(latenessMs).toBeLessThan(MAX_LATENESS_MS);
      }
    });

    it('is kept once however often, concurrently, or spelled differently it is scheduled, and fires once', async () => {
      const recorder = new Recorder();
      const scheduler = await open();
      await scheduler.start(recorder.handlers('a'));
      const wakeUp = wakeUpAt(800);
      const sameInstant = { ...wakeUp, at: wakeUp.at.replace(/\.(\d{3})Z$/, '.$1000+00:00') };
      expect(sameInstant.at).not.toBe(wakeUp.at);

      await scheduler.schedule([wakeUp, wakeUp]);
      await scheduler.schedule([wakeUp]);
      await Promise.all([
        scheduler.schedule([wakeUp]),
        scheduler.schedule([wakeUp]),
        scheduler.schedule([sameInstant]),
      ]);
      expect(await scheduler.scheduledCount()).toBe(1);

      await waitFor(
        () => recorder.handled.length >= 1,
        3_000,
        () => 'not handled',
      );
      await sleep(500);
      expect(recorder.timesHandled(wakeUp)).toBe(1);
      expect(await scheduler.scheduledCount()).toBe(0);
    });

    it('beyond the horizon is not kept and never fires; one whose instant has passed fires at once', async () => {
      const recorder = new Recorder();
      const scheduler = await open({ horizonMs: 1_000 });
      await scheduler.start(recorder.handlers('a'));
      const beyond = wakeUpAt(1_300); // would fire during this test if it were kept
      const past = wakeUpAt(-60_000);

      const scheduledAtMs = CLOCK.now().getTime();
      await scheduler.schedule([beyond, past]);
      expect(await scheduler.scheduledCount()).toBe(0);

      await waitFor(
        () => recorder.timesHandled(past) === 1,
        2_000,
        () => 'the past wake-up did not fire',
      );
      expect(recorder.handled[0].handledAtMs - scheduledAtMs).toBeLessThan(MAX_LATENESS_MS);
      await sleep(Date.parse(beyond.at) - CLOCK.now().getTime() + 500);
      expect(recorder.timesHandled(beyond)).toBe(0);
      expect(recorder.handled).toHaveLength(1);
    });

    it('whose handler throws twice is retried with backoff and succeeds at the third attempt', async () => {
      const recorder = new Recorder();
      const attempts: number[] = [];
      const scheduler = await open({
        retry: { attempts: 5, firstDelayMs: 100, maxDelayMs: 1_000, jitter: 0.5 },
      });
      await scheduler.start(
        recorder.handlers('a', {
          onWakeUp: async () => {
            attempts.push(Date.now());
            if (attempts.length <= 2) throw new Error(`database down (attempt ${attempts.length})`);
          },
        }),
      );
      await scheduler.schedule([wakeUpAt(0)]);

      await waitFor(
        () => attempts.length >= 3,
        3_000,
        () => `${attempts.length} attempts`,
      );
      await sleep(700); // a fourth attempt would come within 400 ms
      expect(attempts).toHaveLength(3);
      // Backoff: at least half of 100 ms, then of 200 ms (jitter 0.5), never at once.
      expect(attempts[1] - attempts[0]).toBeGreaterThanOrEqual(45);
      expect(attempts[2] - attempts[1]).toBeGreaterThanOrEqual(95);
    });
  });

  describe('start()', () => {
    it('fires at once what came due while nobody consumed', async () => {
      const recorder = new Recorder();
      const scheduler = await open();
      const wakeUp = wakeUpAt(100);
      await scheduler.schedule([wakeUp]);
      await sleep(400);
      const startedMs = CLOCK.now().getTime();
      await scheduler.start(recorder.handlers('a'));
      await waitFor(
        () => recorder.timesHandled(wakeUp) === 1,
        2_000,
        () => 'not handled after start',
      );
      expect(recorder.handled[0].handledAtMs - startedMs).toBeLessThan(MAX_LATENESS_MS);
    });
  });

  describe('stop()', () => {
    it('waits for the handler in flight', async () => {
      let finished = false;
      let started = false;
      const scheduler = await open();
      await scheduler.start(
        new Recorder().handlers('a', {
          onWakeUp: async () => {
            started = true;
            await sleep(300);
            finished = true;
          },
        }),
      );
      await scheduler.schedule([wakeUpAt(0)]);
      await waitFor(
        () => started,
        2_000,
        () => 'the handler did not start',
      );
      await scheduler.stop();
      expect(finished).toBe(true);
    });

    it('ends consumption: a wake-up due later does not fire in that instance; stopping again is harmless', async () => {
      const recorder = new Recorder();
      const scheduler = await open();
      await scheduler.start(recorder.handlers('a'));
      await scheduler.schedule([wakeUpAt(300)]);
      await scheduler.stop();
      await sleep(800);
      expect(recorder.handled).toHaveLength(0);
      await expect(scheduler.stop()).resolves.toBeUndefined();
      expect((await scheduler.status()).status).toBe('down');
    });
  });

  describe('status()', () => {
    it('is up once started, with the count of waiting wake-ups and a location free of credentials', async () => {
      const recorder = new Recorder();
      const scheduler = await open();
      await scheduler.start(recorder.handlers('a'));
      // By then the sweep's next run waits too (BullMQ: a delayed job of the same queue): not a wake-up.
      await waitFor(
        () => recorder.sweeps.length >= 1,
        2_000,
        () => 'no sweep at start',
      );
      await scheduler.schedule([wakeUpAt(30_000), wakeUpAt(40_000)]);
      const status = await scheduler.status();
      expect(status).toMatchObject({ adapter: scheduler.adapter, status: 'up', scheduled: 2 });
      expect(status.location).not.toMatch(/@|password|secret/);
    });
  });

  describe('the sweep', () => {
    it('runs at its interval, at once at start, and never overlaps itself', async () => {
      const recorder = new Recorder();
      let calls = 0;
      const scheduler = await open({ sweepEveryMs: 250 });
      const startedMs = Date.now();
      await scheduler.start(
        recorder.handlers('a', {
          // The second sweep outlasts the interval.
          onSweep: () => sleep(++calls === 2 ? 400 : 20),
        }),
      );
      await sleep(2_000);
      await scheduler.stop();

      const { sweeps } = recorder;
      expect(sweeps[0].startMs - startedMs).toBeLessThan(600);
      expect(sweeps.length).toBeGreaterThanOrEqual(4);
      expect(sweeps.length).toBeLessThanOrEqual(2_000 / 250 + 2);
      expectNoOverlap(sweeps);
    });

    it('is not retried when it throws: the next one is an interval away', async () => {
      const recorder = new Recorder();
      let calls = 0;
      const scheduler = await open({ sweepEveryMs: 1_000 });
      await scheduler.start(
        recorder.handlers('a', {
          onSweep: async () => {
            if (++calls === 1) throw new Error('read model unavailable');
          },
        }),
      );
      await waitFor(
        () => recorder.sweeps.length >= 1,
        1_000,
        () => 'no sweep at start',
      );
      await sleep(600);
      expect(recorder.sweeps).toHaveLength(1);
      await waitFor(
        () => recorder.sweeps.length >= 2,
        1_500,
        () => 'no sweep at the next tick',
      );
    });
  });

  (subject.shared ? describe : describe.skip)(
    subject.shared
      ? 'two processes on one backend'
      : 'two processes on one backend (not applicable: in-process timers live in one process)',
    () => {
      it('handle 200 wake-ups spread over a second, each exactly once in total', async () => {
        const recorder = new Recorder();
        const queueName = newQueueName();
        const [a, b] = await Promise.all([open({ queueName }), open({ queueName })]);
        await Promise.all([a.start(recorder.handlers('a')), b.start(recorder.handlers('b'))]);
        const wakeUps = Array.from({ length: 200 }, (_, i) => wakeUpAt(300 + i * 5));
        // Both processes schedule all of them, as two sweeps refilling the same horizon would.
        await Promise.all([a.schedule(wakeUps.slice(0, 150)), b.schedule(wakeUps.slice(50))]);

        await waitFor(
          () => recorder.handled.length >= 200,
          5_000,
          () => `${recorder.handled.length} of 200 handled`,
        );
        await sleep(500);
        const ids = recorder.handled.map((h) => h.id);
        expect(new Set(ids).size).toBe(200);
        expect(ids).toHaveLength(200);
        expect(new Set(recorder.handled.map((h) => h.by))).toEqual(new Set(['a', 'b'])); // both took part
        for (const h of recorder.handled)
          expect(h.handledAtMs).toBeGreaterThanOrEqual(Date.parse(h.wakeUp.at));
      });

      it('run the sweep once per tick between them, never overlapping', async () => {
        const recorder = new Recorder();
        const queueName = newQueueName();
        let calls = 0;
        const handlers = (by: string) =>
          recorder.handlers(by, { onSweep: () => sleep(++calls === 2 ? 450 : 50) });
        const [a, b] = await Promise.all([
          open({ queueName, sweepEveryMs: 300 }),
          open({ queueName, sweepEveryMs: 300 }),
        ]);
        // Started a moment apart: BullMQ's PostgreSQL backend can reset an active sweep to waiting when two
        // processes upsert the job scheduler in the same instant, running that one sweep twice (harmless: a
        // sweep is idempotent; see docs/architecture.md), which is not what this test is about.
        await a.start(handlers('a'));
        await sleep(150);
        await b.start(handlers('b'));
        await sleep(2_400);
        await Promise.all([a.stop(), b.stop()]);

        const { sweeps } = recorder;
        expect(sweeps.length).toBeGreaterThanOrEqual(4);
        expect(sweeps.length).toBeLessThanOrEqual(2_400 / 300 + 2); // not once per process
        expectNoOverlap(sweeps);
      });
    },
  );
}

function expectNoOverlap(sweeps: readonly { by: string; startMs: number; endMs?: number }[]): void {
  const sorted = [...sweeps].sort((x, y) => x.startMs - y.startMs);
  const overlapping = sorted
    .slice(1)
    .filter((sweep, i) => sweep.startMs < (sorted[i].endMs ?? Infinity))
    .map((sweep) => `a sweep by ${sweep.by} started at +${sweep.startMs - sorted[0].startMs} ms`);
  expect(overlapping).toEqual([]);
}
