import { KeyedQueue, QueueWaitTimeout } from './keyed-queue';
import { backOffMs } from './load-decide-append';

/** A task that records when it runs and ends when `finish()` is called. */
function gate() {
  let finish!: () => void;
  const ended = new Promise<void>((resolve) => (finish = resolve));
  return { finish, task: () => ended };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyedQueue', () => {
  it('runs the tasks of one key one after another, in the order they came', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    let running = 0;
    let mostAtOnce = 0;
    const task = (name: string) => async () => {
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
      running--;
      return name;
    };

    const results = await Promise.all(
      ['a', 'b', 'c', 'd'].map((name) => queue.run('case-1', task(name), { maxWaitMs: 1_000 })),
    );

    expect(results).toEqual(['a', 'b', 'c', 'd']);
    expect(mostAtOnce).toBe(1);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c', 'start d', 'end d']);
  });

  it('runs the tasks of different keys side by side', async () => {
    const queue = new KeyedQueue();
    const gates = Array.from({ length: 8 }, gate);
    const started: number[] = [];

    const runs = gates.map((g, i) =>
      queue.run(
        `case-${i}`,
        () => {
          started.push(i);
          return g.task();
        },
        { maxWaitMs: 1_000 },
      ),
    );
    await tick();

    // All eight started while none has ended.
    expect(started).toHaveLength(8);
    expect(queue.size).toBe(8);
    gates.forEach((g) => g.finish());
    await Promise.all(runs);
  });

  it('forgets every key once its tasks have ended, failed ones included', async () => {
    const queue = new KeyedQueue();
    const runs = Array.from({ length: 100 }, (_, i) =>
      queue.run(
        `case-${i % 7}`,
        async () => {
          await tick();
          if (i % 3 === 0) throw new Error(`task ${i} failed`);
          return i;
        },
        { maxWaitMs: 5_000 },
      ),
    );
    expect(queue.size).toBe(7);

    const outcomes = await Promise.allSettled(runs);

    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(34);
    await tick();
    expect(queue.size).toBe(0);
  });

  it('a task that waits too long behind a stuck one gives up unrun, and the ones behind it still wait their turn', async () => {
    const queue = new KeyedQueue();
    const stuck = gate();
    const ran: string[] = [];
    const first = queue.run('case-1', stuck.task, { maxWaitMs: 1_000 });
    const impatient = queue.run(
      'case-1',
      async () => {
        ran.push('impatient');
      },
      { maxWaitMs: 20 },
    );
    let patientStarted = false;
    const patient = queue.run(
      'case-1',
      async () => {
        patientStarted = true;
        ran.push('patient');
      },
      { maxWaitMs: 5_000 },
    );

    await expect(impatient).rejects.toEqual(new QueueWaitTimeout(20));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(patientStarted).toBe(false);
    expect(queue.size).toBe(1);

    stuck.finish();
    await Promise.all([first, patient]);
    expect(ran).toEqual(['patient']);
    await tick();
    expect(queue.size).toBe(0);
  });

  it('a key whose last task ended is run at once by the next task, without waiting', async () => {
    const queue = new KeyedQueue();
    await queue.run('case-1', async () => undefined, { maxWaitMs: 1 });
    await tick();
    let ran = false;
    const run = queue.run(
      'case-1',
      async () => {
        ran = true;
      },
      { maxWaitMs: 1 },
    );
    expect(ran).toBe(true);
    await run;
  });
});

describe('backOffMs', () => {
  it('grows from a few milliseconds to a ceiling of 250 ms, always in the upper half of its ceiling', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map((attempt) => backOffMs(attempt, () => 0))).toEqual([
      2, 4, 8, 16, 32, 64, 125, 125, 125,
    ]);
    expect([1, 2, 7, 20].map((attempt) => backOffMs(attempt, () => 0.999_999))).toEqual([
      expect.closeTo(4, 3),
      expect.closeTo(8, 3),
      expect.closeTo(250, 3),
      expect.closeTo(250, 3),
    ]);
  });
});
