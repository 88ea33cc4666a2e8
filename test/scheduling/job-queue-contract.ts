import { randomBytes } from 'node:crypto';
import {
  type JobAttempt,
  type JobQueue,
  type JobQueueErrorContext,
  type JobQueueHandlers,
  type JobQueueOptions,
  PermanentJobFailure,
  type QueuedJob,
} from '@fristvagt/scheduling';
import { MAX_LATENESS_MS, sleep, waitFor } from './contract';

/** What the jobs of the contract carry: nested, so that storing it as JSON is exercised. */
export interface Payload {
  readonly n: number;
  readonly to: { readonly kind: 'webhook'; readonly url: string };
  readonly tags: readonly string[];
}

/** What a contract run needs from an adapter's test file. */
export interface JobQueueSubject {
  /** Several queues opened with one name are several processes of one deployment. */
  open(options: JobQueueOptions): Promise<JobQueue<Payload>>;
  /** Whether queues of one name share their jobs (BullMQ) or each keeps its own (in-process). */
  readonly shared: boolean;
}

/** Short delays, so that three attempts take well under a second. */
const RETRY = { attempts: 3, firstDelayMs: 100, maxDelayMs: 1_000, jitter: 0.5 };

let jobs = 0;

/** A job of its own. */
export function job(delayMs?: number): QueuedJob<Payload> {
  const n = ++jobs;
  const id = `delivery-${process.pid}-${n}-${randomBytes(3).toString('hex')}`;
  const data = {
    n,
    to: { kind: 'webhook' as const, url: `https://example.org/hooks/${n}` },
    tags: ['a', 'b'],
  };
  return delayMs === undefined ? { id, data } : { id, data, delayMs };
}

interface Run {
  readonly job: JobAttempt<Payload>;
  readonly atMs: number;
  readonly by: string;
}

/** Handlers that record every attempt and every onFailed, for one or several queues. */
export class JobRecorder {
  readonly runs: Run[] = [];
  readonly failures: { readonly job: JobAttempt<Payload>; readonly error: unknown; readonly by: string }[] =
    [];

  handlers(by: string, process?: (job: JobAttempt<Payload>) => Promise<void>): JobQueueHandlers<Payload> {
    return {
      process: async (job) => {
        this.runs.push({ job, atMs: Date.now(), by });
        await process?.(job);
      },
      onFailed: async (job, error) => {
        this.failures.push({ job, error, by });
      },
    };
  }

  runsOf(id: string): Run[] {
    return this.runs.filter((run) => run.job.id === id);
  }
}

/** The JobQueue port's specification. Every adapter runs it. */
export function jobQueueContract(subject: JobQueueSubject): void {
  const opened: JobQueue<Payload>[] = [];
  let queues = 0;

  /** A queue of the test's own, so that no test consumes another's jobs. */
  const newName = () => `jobs-${process.pid}-${++queues}-${randomBytes(3).toString('hex')}`;

  async function open(options: Partial<JobQueueOptions> = {}): Promise<JobQueue<Payload>> {
    const queue = await subject.open({ name: newName(), concurrency: 20, retry: RETRY, ...options });
    opened.push(queue);
    return queue;
  }

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((queue) => queue.stop()));
  });

  describe('a job', () => {
    it('runs once, with its data, as attempt 1 of maxAttempts', async () => {
      const recorder = new JobRecorder();
      const queue = await open();
      await queue.start(recorder.handlers('a'));
      const added = Array.from({ length: 10 }, () => job());
      await queue.add(added);

      await waitFor(
        () => recorder.runs.length >= 10,
        3_000,
        () => `${recorder.runs.length} of 10 run`,
      );
      await sleep(300); // time for a second run, if there were one
      for (const { id, data } of added) {
        const runs = recorder.runsOf(id);
        expect(runs).toHaveLength(1);
        expect(runs[0].job).toEqual({ id, data, attempt: 1, maxAttempts: 3 });
      }
      expect(recorder.failures).toEqual([]);
      // A job counts as active until its adapter has recorded the end of the run that the recorder saw.
      await waitForBacklog(queue, 0);
    });

    it('is kept once however often, concurrently or in one batch, it is added, and runs once', async () => {
      const recorder = new JobRecorder();
      const queue = await open();
      await queue.start(recorder.handlers('a'));
      const once = job(600);

      await queue.add([once, once]);
      await queue.add([once]);
      await Promise.all([queue.add([once]), queue.add([once]), queue.add([{ ...once, delayMs: 0 }])]);
      expect(await queue.backlog()).toBe(1);

      await waitFor(
        () => recorder.runs.length >= 1,
        3_000,
        () => 'not run',
      );
      await sleep(500);
      expect(recorder.runsOf(once.id)).toHaveLength(1);
      await waitForBacklog(queue, 0);
    });

    it('is not added again while it runs, and may be added again once it has ended', async () => {
      const recorder = new JobRecorder();
      const queue = await open();
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      await queue.start(
        recorder.handlers('a', () => (recorder.runs.length === 1 ? released : Promise.resolve())),
      );
      const again = job();

      await queue.add([again]);
      await waitFor(
        () => recorder.runs.length === 1,
        2_000,
        () => 'not started',
      );
      await queue.add([again]);
      release();
      await waitForBacklog(queue, 0);
      await sleep(300);
      expect(recorder.runsOf(again.id)).toHaveLength(1);

      await queue.add([again]);
      await waitFor(
        () => recorder.runs.length === 2,
        2_000,
        () => 'not run again',
      );
    });

    it('with a delay does not start before it, and starts within MAX_LATENESS_MS after', async () => {
      const recorder = new JobRecorder();
      const queue = await open();
      await queue.start(recorder.handlers('a'));
      const addedMs = Date.now();
      const delayed = [job(400), job(700)];
      await queue.add(delayed);

      await waitFor(
        () => recorder.runs.length >= 2,
        3_000,
        () => `${recorder.runs.length} of 2 run`,
      );
      for (const { id, delayMs } of delayed) {
        const [run] = recorder.runsOf(id);
        const latenessMs = run.atMs - (addedMs + delayMs!);
        expect(latenessMs).toBeGreaterThanOrEqual(0);
        expect(latenessMs).toBeLessThan(MAX_LATENESS_MS);
      }
    });
  });

  describe('a job whose handler throws', () => {
    it('twice is retried with growing delays and succeeds at the third attempt; onFailed is not called', async () => {
      const recorder = new JobRecorder();
      // No jitter: the delays are exactly 200 and 400 ms, each a lower bound on its measured gap. The gaps
      // themselves are not compared: a backend may start a due job late (BullMQ on PostgreSQL polls), and a
      // first retry started 300 ms late made the first gap the longer (retry.spec.ts checks the schedule).
      const queue = await open({ retry: { attempts: 5, firstDelayMs: 200, maxDelayMs: 1_000, jitter: 0 } });
      await queue.start(
        recorder.handlers('a', async ({ attempt }) => {
          if (attempt <= 2) throw new Error(`receiver down (attempt ${attempt})`);
        }),
      );
      await queue.add([job()]);

      await waitFor(
        () => recorder.runs.length >= 3,
        3_000,
        () => `${recorder.runs.length} attempts`,
      );
      await sleep(1_000); // a fourth attempt would come within 800 ms
      expect(recorder.runs.map((run) => run.job.attempt)).toEqual([1, 2, 3]);
      const [first, second] = [1, 2].map((i) => recorder.runs[i].atMs - recorder.runs[i - 1].atMs);
      expect(first).toBeGreaterThanOrEqual(200);
      expect(second).toBeGreaterThanOrEqual(400);
      expect(recorder.failures).toEqual([]);
    });

    it('every time runs exactly maxAttempts times, then onFailed once with the last attempt and its error', async () => {
      const recorder = new JobRecorder();
      const errors: JobQueueErrorContext[] = [];
      const queue = await open({ onError: (_error, context) => errors.push(context) });
      await queue.start(
        recorder.handlers('a', async ({ attempt }) => {
          throw new Error(`receiver down (attempt ${attempt})`);
        }),
      );
      const failing = job();
      await queue.add([failing]);

      await waitFor(
        () => recorder.failures.length >= 1,
        3_000,
        () => `${recorder.runs.length} attempts, no onFailed`,
      );
      await sleep(600); // time for a fourth attempt or a second onFailed, if there were one
      expect(recorder.runs.map((run) => run.job.attempt)).toEqual([1, 2, 3]);
      expect(recorder.failures).toHaveLength(1);
      expect(recorder.failures[0].job).toEqual({ ...failing, attempt: 3, maxAttempts: 3 });
      expect(recorder.failures[0].error).toMatchObject({ message: 'receiver down (attempt 3)' });
      expect(errors).toEqual(
        [1, 2, 3].map((attempt) => ({ source: 'job', id: failing.id, attempt, retrying: attempt < 3 })),
      );
      await waitForBacklog(queue, 0);
    });

    it('PermanentJobFailure is not retried: onFailed is called at once', async () => {
      const recorder = new JobRecorder();
      const queue = await open();
      await queue.start(
        recorder.handlers('a', async () => {
          throw new PermanentJobFailure('the destination is refused');
        }),
      );
      const refused = job();
      await queue.add([refused]);

      await waitFor(
        () => recorder.failures.length >= 1,
        2_000,
        () => 'no onFailed',
      );
      await sleep(400); // a second attempt would come within 100 ms
      expect(recorder.runs).toHaveLength(1);
      expect(recorder.failures).toHaveLength(1);
      expect(recorder.failures[0].job).toMatchObject({ id: refused.id, attempt: 1 });
      expect(recorder.failures[0].error).toBeInstanceOf(PermanentJobFailure);
    });

    it('and whose onFailed throws too is over all the same, and that is reported to onError', async () => {
      const errors: { error: unknown; context: JobQueueErrorContext }[] = [];
      const queue = await open({ onError: (error, context) => errors.push({ error, context }) });
      const recorder = new JobRecorder();
      await queue.start({
        process: recorder.handlers('a', async () => {
          throw new PermanentJobFailure('refused');
        }).process,
        onFailed: async () => {
          throw new Error('store down');
        },
      });
      const refused = job();
      await queue.add([refused]);

      await waitFor(
        () => errors.some((e) => e.context.source === 'on-failed'),
        2_000,
        () => 'onFailed not reported',
      );
      expect(errors.find((e) => e.context.source === 'on-failed')).toMatchObject({
        error: { message: 'store down' },
        context: { source: 'on-failed', id: refused.id },
      });
      await waitForBacklog(queue, 0);
      await sleep(300);
      expect(recorder.runs).toHaveLength(1);
    });
  });

  describe('add()', () => {
    it('refuses an id that BullMQ would not take, in every adapter, and adds nothing of that batch', async () => {
      const queue = await open();
      for (const id of ['', '42', 'delivery:1']) {
        await expect(queue.add([job(), { ...job(), id }])).rejects.toThrow(RangeError);
      }
      expect(await queue.backlog()).toBe(0);
    });
  });

  describe('stop()', () => {
    it('waits for the attempt in flight', async () => {
      let started = false;
      let finished = false;
      const queue = await open();
      await queue.start(
        new JobRecorder().handlers('a', async () => {
          started = true;
          await sleep(300);
          finished = true;
        }),
      );
      await queue.add([job()]);
      await waitFor(
        () => started,
        2_000,
        () => 'the handler did not start',
      );
      await queue.stop();
      expect(finished).toBe(true);
    });

    it('ends processing: a job due later does not run; stopping again is harmless; adding fails', async () => {
      const recorder = new JobRecorder();
      const queue = await open();
      await queue.start(recorder.handlers('a'));
      await queue.add([job(300)]);
      await queue.stop();
      await sleep(800);
      expect(recorder.runs).toHaveLength(0);
      await expect(queue.stop()).resolves.toBeUndefined();
      expect((await queue.status()).status).toBe('down');
      await expect(queue.add([job()])).rejects.toMatchObject({ code: 'job-queue-unavailable' });
    });
  });

  describe('backlog()', () => {
    it('counts the jobs waiting, delayed and running, before start and after', async () => {
      const recorder = new JobRecorder();
      const queue = await open({ concurrency: 1 });
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const [running, waiting, delayed] = [job(), job(), job(30_000)];
      await queue.add([running, waiting, delayed]);
      expect(await queue.backlog()).toBe(3);

      await queue.start(
        recorder.handlers('a', (run) => (run.id === running.id ? released : Promise.resolve())),
      );
      await waitFor(
        () => recorder.runs.length === 1,
        2_000,
        () => 'nothing started',
      );
      expect(recorder.runs[0].job.id).toBe(running.id);
      expect(await queue.backlog()).toBe(3); // one running, one waiting for a free slot, one delayed

      release();
      await waitForBacklog(queue, 1);
      expect(recorder.runsOf(waiting.id)).toHaveLength(1);
    });
  });

  describe('status()', () => {
    it('is up once started, with the backlog and a location free of credentials', async () => {
      const queue = await open();
      await queue.start(new JobRecorder().handlers('a'));
      await queue.add([job(30_000), job(40_000)]);
      const status = await queue.status();
      expect(status).toMatchObject({ adapter: queue.adapter, status: 'up', backlog: 2 });
      expect(status.location).not.toMatch(/@|password|secret/);
    });
  });

  (subject.shared ? describe : describe.skip)(
    subject.shared
      ? 'two processes on one backend'
      : 'two processes on one backend (not applicable: in-process timers live in one process)',
    () => {
      it('run 200 jobs exactly once in total, both taking part', async () => {
        const recorder = new JobRecorder();
        const name = newName();
        const [a, b] = await Promise.all([open({ name }), open({ name })]);
        const all = Array.from({ length: 200 }, () => job());
        // Both add most of them, as two processes re-adding what their records say is owed would. Before
        // either consumes: a job that has ended may be added anew, and would then run again.
        await Promise.all([a.add(all.slice(0, 150)), b.add(all.slice(50))]);
        const slowly = () => sleep(5);
        await Promise.all([a.start(recorder.handlers('a', slowly)), b.start(recorder.handlers('b', slowly))]);

        await waitFor(
          () => recorder.runs.length >= 200,
          5_000,
          () => `${recorder.runs.length} of 200 run`,
        );
        await sleep(500);
        const ids = recorder.runs.map((run) => run.job.id);
        expect(new Set(ids).size).toBe(200);
        expect(ids).toHaveLength(200);
        expect(new Set(recorder.runs.map((run) => run.by))).toEqual(new Set(['a', 'b']));
      });
    },
  );
}

/** Polls the backlog until it is `expected`. */
export async function waitForBacklog(
  queue: JobQueue<unknown>,
  expected: number,
  timeoutMs = 3_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  let backlog = await queue.backlog();
  while (backlog !== expected) {
    if (Date.now() > until)
      throw new Error(`not within ${timeoutMs} ms: the backlog is ${backlog}, not ${expected}`);
    await sleep(20);
    backlog = await queue.backlog();
  }
}
