// A process that consumes a BullMQ job queue and hangs in every attempt it gets, for the crash test in
// job-queue-crash.test.ts (started through test/support/ts-register.js, killed with SIGKILL).
import { BullMqJobQueue, type BullMqJobQueueOptions } from '@fristvagt/scheduling';

void (async () => {
  const options = JSON.parse(process.env.JOB_QUEUE_OPTIONS!) as BullMqJobQueueOptions;
  const queue = await BullMqJobQueue.connect(options);
  await queue.start({
    process: ({ id, attempt }) => {
      process.stdout.write(`attempt ${id} ${attempt}\n`);
      return new Promise(() => undefined);
    },
  });
  process.stdout.write('started\n');
})().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
