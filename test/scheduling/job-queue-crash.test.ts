import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { type BullMqConnection, BullMqJobQueue, type BullMqJobQueueOptions } from '@fristvagt/scheduling';
import { waitFor } from './contract';
import { killNine, onEachBullMqBackend, spawnTypeScript } from './crash';
import { job, JobRecorder, type Payload, waitForBacklog } from './job-queue-contract';

const spawnConsumer = (options: BullMqJobQueueOptions) =>
  spawnTypeScript(resolve(__dirname, 'job-queue-consumer.ts'), {
    JOB_QUEUE_OPTIONS: JSON.stringify(options),
  });

/**
 * Two processes each take the job and are killed with -9 during their attempt. Each start counts as an
 * attempt, so with two allowed the survivor finds none left: it does not run the job, and calls onFailed.
 */
async function killedInEveryAttempt(connection: BullMqConnection): Promise<void> {
  const options: BullMqJobQueueOptions = {
    name: `crash-${process.pid}-${randomBytes(3).toString('hex')}`,
    concurrency: 1,
    retry: { attempts: 2, firstDelayMs: 100, maxDelayMs: 1_000, jitter: 0.5 },
    connection,
    // Short, so that a dead holder's job is taken back within about two seconds.
    lockDurationMs: 1_000,
    stalledIntervalMs: 500,
  };
  const survivor = await BullMqJobQueue.connect<Payload>(options);
  const consumers = [spawnConsumer(options), spawnConsumer(options)];
  try {
    await waitFor(
      () => consumers.every((c) => c.output().includes('started')),
      15_000,
      () => `the consumers did not start:\n${consumers.map((c) => c.output()).join('\n')}`,
    );
    const crashing = job();
    await survivor.add([crashing]);
    for (const attempt of [1, 2]) {
      const line = `attempt ${crashing.id} ${attempt}`;
      await waitFor(
        () => consumers.some((c) => c.output().includes(line)),
        5_000,
        () => `no ${line}:\n${consumers.map((c) => c.output()).join('\n')}`,
      );
      await killNine(consumers.find((c) => c.output().includes(line))!);
    }

    const recorder = new JobRecorder();
    await survivor.start(recorder.handlers('survivor'));
    await waitFor(
      () => recorder.failures.length >= 1,
      5_000,
      () => 'no onFailed',
    );
    await waitForBacklog(survivor, 0);
    expect(recorder.runs).toEqual([]);
    expect(recorder.failures).toHaveLength(1);
    expect(recorder.failures[0].job).toEqual({ ...crashing, attempt: 2, maxAttempts: 2 });
    expect(recorder.failures[0].error).toMatchObject({ message: expect.stringMatching(/process ended/) });
  } finally {
    await Promise.all(consumers.map(killNine));
    await survivor.stop();
  }
}

describe('a job whose process is killed with -9 in each of its attempts', () => {
  onEachBullMqBackend('ends in onFailed, not run again', killedInEveryAttempt);
});
