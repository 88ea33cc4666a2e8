// A process that only runs the obligations projection on DATABASE_URL, for the crash test in
// runner.test.ts (started through test/support/ts-register.js, killed with SIGKILL at random moments).
import { PostgresEventStore } from '@fristvagt/event-store';
import { obligationsProjection, openPostgresReadModels, ProjectionRunner } from '@fristvagt/projections';

void (async () => {
  const url = process.env.DATABASE_URL!;
  const store = await PostgresEventStore.connect({ connectionString: url, poolSize: 4 });
  const db = await openPostgresReadModels(url);
  const runner = new ProjectionRunner(obligationsProjection, db, store, {
    rebuildBatch: Number(process.env.BATCH ?? 500),
    liveBatch: Number(process.env.BATCH ?? 500),
    standbyPollMs: 100,
  });
  await runner.start();
  process.stdout.write('started\n');
})();
