// A process that only runs the obligations projection on DATABASE_URL, for the crash test in
// runner.test.ts (started through test/support/ts-register.js, killed with SIGKILL at random moments).
import { PostgresEventStore } from '@fristvagt/event-store';
import { openPostgresReadModels, ProjectionRunner } from '@fristvagt/projections';
import { aroundWrites } from '../support/projections';

void (async () => {
  const url = process.env.DATABASE_URL!;
  const store = await PostgresEventStore.connect({ connectionString: url, poolSize: 4 });
  const db = await openPostgresReadModels(url);
  // Each batch lingers inside its transaction, so that a kill often lands mid-transaction and the whole log
  // takes seconds, longer than the test's five short lives together.
  const delayMs = Number(process.env.APPLY_DELAY_MS ?? 0);
  const projection = aroundWrites(async (write) => {
    await write();
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  });
  const runner = new ProjectionRunner(projection, db, store, {
    rebuildBatch: Number(process.env.BATCH ?? 500),
    liveBatch: Number(process.env.BATCH ?? 500),
    standbyPollMs: 100,
  });
  await runner.start();
  process.stdout.write('started\n');
})();
