/**
 * `npm run bench:audit`: issue 13's replay target. A case of 1,000 events (police notifications, councils
 * convened and held, plans adopted, as the decider records them) is stored on PostgreSQL, and its history is
 * asked for with `asOf` as GET /v1/cases/{caseId}/history answers it: read the stream and check the scope
 * (loadVisibleHistory), replay it with the domain's evolve up to `asOf` (libs/audit), build the view with the
 * case state after every event, and serialise it to JSON. Prints p50, p99 and max over the runs, of each
 * part, and of the replay alone; it asserts nothing.
 *
 * DATABASE_URL picks the server (default postgres://postgres@127.0.0.1:5432/postgres); a scratch database is
 * created and dropped. --quick runs 100 timed requests instead of 1,000.
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { replayCase } from '@fristvagt/audit';
import { caseStreamName, toNewEvents } from '@fristvagt/case-commands';
import { tuneGarbageCollection } from '@fristvagt/config';
import { type CaseCommand, type CaseEvent } from '@fristvagt/domain';
import { cmd, history } from '@fristvagt/domain/test-support';
import { PostgresEventStore } from '@fristvagt/event-store';
import type { Principal } from '../apps/api/src/access/principal';
import { caseHistoryOf, loadVisibleHistory } from '../apps/api/src/cases/case-history';
import { at, councilCycle, DAY } from './events';
import { percentile, round } from './stats';
import { admin, databaseUrl } from './postgres';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 100 : 1_000;
const WARM_UP = 50;
const EVENTS = 1_000;
const TARGET_P99_MS = 20;
const MUNICIPALITY = '461';
const dbName = `fv_bench_audit_${process.pid}`;

/**
 * A case with at least EVENTS events: a notification every 4 days, convened, held, planned and followed up on
 * time, each later one assessed as a re-offence; a handful of obligations open at any time.
 */
function caseOfThousandEvents(caseId: string): CaseEvent[] {
  const start = Date.parse('2024-02-01T09:00:00Z');
  const commands: CaseCommand[] = [
    cmd('OpenCase', { caseId, municipality: MUNICIPALITY, birthDate: '2012-01-01', person: null }, at(start)),
  ];
  for (let i = 0; i < 150; i++) {
    const t = start + DAY + i * 4 * DAY;
    commands.push(
      ...councilCycle(i, t),
      cmd(
        'RecordCouncilFollowUp',
        { councilId: `c-${i}`, note: 'Followed up' },
        at(t + 3 * DAY + 2 * 3_600_000),
      ),
    );
    if (i > 0) {
      // A notification within a year of a council is a re-offence: its plan is assessed (NSR-REOFFENCE).
      commands.push(
        cmd(
          'AssessPlanRevision',
          {
            planId: `plan-${i - 1}`,
            occasion: 're-offence',
            outcome: 'no-change-needed',
            reasoning: 'Assessed',
            documentationId: `pol-${i}`,
          },
          at(t + 2 * 3_600_000),
        ),
      );
    }
  }
  const events = history(commands, MUNICIPALITY);
  if (events.length < EVENTS)
    throw new Error(`the generated case has ${events.length} events, fewer than ${EVENTS}`);
  return events.slice(0, EVENTS);
}

async function main(): Promise<void> {
  // As the api process runs: see tuneGarbageCollection.
  tuneGarbageCollection();
  console.log(
    `bench:audit: ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}, ` +
      `load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
  );
  await admin(`CREATE DATABASE ${dbName}`);
  let store: PostgresEventStore | undefined;
  try {
    store = await PostgresEventStore.connect({ connectionString: databaseUrl(dbName), poolSize: 4 });
    const caseId = randomUUID();
    const events = caseOfThousandEvents(caseId);
    const context = {
      municipality: MUNICIPALITY,
      actor: 'k-bench',
      correlationId: randomUUID(),
      idempotency: null,
    };
    for (let i = 0; i < events.length; i += 100) {
      await store.append(caseStreamName(caseId), toNewEvents(events.slice(i, i + 100), context));
    }
    const stored = await store.readStream(caseStreamName(caseId));
    // Halfway through the case's business time: the replay stops there, as an auditor's `asOf` makes it.
    const asOf = stored[Math.floor(stored.length / 2)].metadata.occurredAt;
    const roles = new Map<string, string | null>([['k-bench', 'integration']]);
    console.log(
      `case: ${stored.length} events, ${new Set(stored.map((e) => e.type)).size} types; asOf ${asOf}`,
    );

    const auditor: Principal = { keyId: 'k-auditor', role: 'auditor', municipalities: [MUNICIPALITY] };
    // What GetCaseHistoryHandler does after the access log's append: load the visible case, replay, view.
    const request = async () => {
      const loaded = (await loadVisibleHistory(store!, caseId, auditor))!;
      const view = caseHistoryOf(
        loaded.caseId,
        loaded.municipality,
        loaded.events,
        { asOf, knownAt: null },
        roles,
      );
      return JSON.stringify(view).length;
    };
    for (let i = 0; i < WARM_UP; i++) await request();
    const latencies: number[] = [];
    let bytes = 0;
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      bytes = await request();
      latencies.push(performance.now() - t0);
    }
    const readOnly: number[] = [];
    const viewOnly: number[] = [];
    const jsonOnly: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const read = (await loadVisibleHistory(store, caseId, auditor))!.events;
      const t1 = performance.now();
      const view = caseHistoryOf(caseId, MUNICIPALITY, read, { asOf, knownAt: null }, roles);
      const t2 = performance.now();
      JSON.stringify(view);
      const t3 = performance.now();
      readOnly.push(t1 - t0);
      viewOnly.push(t2 - t1);
      jsonOnly.push(t3 - t2);
    }
    const replayOnly: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      replayCase(stored, { asOf: Date.parse(asOf), knownAt: null });
      replayOnly.push(performance.now() - t0);
    }
    for (const figures of [latencies, readOnly, viewOnly, jsonOnly, replayOnly])
      figures.sort((a, b) => a - b);
    const row = (name: string, sorted: number[]) => ({
      scenario: name,
      runs: sorted.length,
      'p50 ms': round(percentile(sorted, 50), 2),
      'p99 ms': round(percentile(sorted, 99), 2),
      'max ms': round(sorted[sorted.length - 1], 2),
    });
    console.table([
      row('history asOf: read + replay + view + JSON', latencies),
      row('  of which: read the stream, check the scope', readOnly),
      row('  of which: replay and view (caseHistoryOf)', viewOnly),
      row('  of which: JSON.stringify', jsonOnly),
      row('replay alone (libs/audit replayCase)', replayOnly),
    ]);
    console.log(`answer: ${Math.round(bytes / 1024)} KiB of JSON`);
    const p99 = percentile(latencies, 99);
    console.log(
      `${p99 < TARGET_P99_MS ? 'MET' : 'MISSED'}: history with asOf over ${EVENTS} events, p99 ${round(p99, 2)} ms (target < ${TARGET_P99_MS} ms)`,
    );
  } finally {
    await store?.close().catch(() => undefined);
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
