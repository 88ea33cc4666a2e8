import { readFile } from 'node:fs/promises';
import { loadConfig } from '@fristvagt/config';
import { type Checkpoint, checkCheckpoint, type EventStore, SqlEventStore } from '@fristvagt/event-store';
import { openEventStore } from '@fristvagt/event-store-nest';

export const VERIFY_USAGE = `  fristvagt verify --all [--against <checkpoint.json>] [--public-key <key.pem>]
  fristvagt verify --stream <name> [--against <checkpoint.json>] [--public-key <key.pem>]`;

export interface VerifyIo {
  stdout(text: string): void;
  /** Progress goes here, redrawn in place. */
  stderr(text: string): void;
  readonly env: NodeJS.ProcessEnv;
  /** How often progress is redrawn. Default 500 ms. */
  readonly progressEveryMs?: number;
}

class VerifyUsageError extends Error {}

/**
 * `fristvagt verify`: recomputes the hash chain of every stream (or one) from the stored events and prints
 * the report as JSON: the first broken link of each broken stream. With `--against` an exported checkpoint
 * (one checkpoint of `GET /v1/audit/checkpoints`, as JSON), it first checks the checkpoint's root and
 * signature, then that every stream head it sealed still has the chain hash it sealed, recomputed from content,
 * so a stream rewritten with recomputed hashes is caught. `--public-key` pins the key the checkpoint must be
 * signed with (else the key in the checkpoint is taken at its word). Exit code 0 intact, 1 broken or
 * checkpoint refused, 2 usage error, 3 the store could not be read.
 */
export async function runVerify(args: readonly string[], io: VerifyIo): Promise<number> {
  let options: { all: boolean; stream?: string; against?: string; publicKey?: string };
  try {
    options = parseArgs(args);
  } catch (error) {
    if (!(error instanceof VerifyUsageError)) throw error;
    io.stderr(`${error.message}\n\nUsage:\n${VERIFY_USAGE}\n`);
    return 2;
  }

  let checkpoint: Checkpoint | undefined;
  if (options.against !== undefined) {
    try {
      checkpoint = readCheckpoint(await readFile(options.against, 'utf8'));
      const trusted = options.publicKey === undefined ? undefined : await readFile(options.publicKey, 'utf8');
      const problem = checkCheckpoint(checkpoint, trusted);
      if (problem !== null) {
        io.stdout(`${JSON.stringify({ ok: false, checkpoint: checkpoint.id, refused: problem }, null, 2)}\n`);
        return 1;
      }
    } catch (error) {
      io.stderr(`verify: cannot use ${options.against}: ${(error as Error).message}\n`);
      return 2;
    }
  }

  let store: EventStore | undefined;
  try {
    const config = loadConfig(io.env);
    store = await openEventStore(config.eventStore);
    if (!(store instanceof SqlEventStore)) {
      io.stderr('verify: only the PostgreSQL and PGlite stores can be verified from here\n');
      return 3;
    }
    const total = options.all ? await countEvents(store) : null;
    const progress = new Progress(total, io);
    const report = await store.verifyChain({
      ...(options.stream !== undefined && { stream: options.stream }),
      ...(checkpoint !== undefined && { against: checkpoint }),
      onProgress: (done) => progress.update(done),
    });
    const seconds = progress.finish(report.events);
    io.stdout(
      `${JSON.stringify({ ...report, seconds, eventsPerSecond: Math.round(report.events / Math.max(seconds, 0.001)) }, null, 2)}\n`,
    );
    return report.ok ? 0 : 1;
  } catch (error) {
    io.stderr(`verify: ${error instanceof Error ? error.message : String(error)}\n`);
    return 3;
  } finally {
    await store?.close();
  }
}

function parseArgs(args: readonly string[]): {
  all: boolean;
  stream?: string;
  against?: string;
  publicKey?: string;
} {
  const result: { all: boolean; stream?: string; against?: string; publicKey?: string } = { all: false };
  for (let i = 0; i < args.length; i++) {
    const name = args[i];
    if (name === '--all') {
      result.all = true;
      continue;
    }
    const value = args[i + 1];
    const key = ({ '--stream': 'stream', '--against': 'against', '--public-key': 'publicKey' } as const)[
      name as '--stream'
    ];
    if (key === undefined) throw new VerifyUsageError(`Unknown argument: ${name}`);
    if (value === undefined || value.startsWith('--')) throw new VerifyUsageError(`${name} needs a value`);
    result[key] = value;
    i++;
  }
  if (result.all === (result.stream !== undefined)) {
    throw new VerifyUsageError('verify needs either --all or --stream <name>');
  }
  if (result.publicKey !== undefined && result.against === undefined) {
    throw new VerifyUsageError('--public-key checks the signature of --against <checkpoint.json>');
  }
  return result;
}

/** One checkpoint as exported: the object itself, or a list (or `{ checkpoints: [...] }`) holding exactly one. */
function readCheckpoint(text: string): Checkpoint {
  const parsed = JSON.parse(text) as unknown;
  const list = Array.isArray(parsed)
    ? parsed
    : typeof parsed === 'object' &&
        parsed !== null &&
        Array.isArray((parsed as { checkpoints?: unknown }).checkpoints)
      ? (parsed as { checkpoints: unknown[] }).checkpoints
      : [parsed];
  if (list.length !== 1) throw new Error(`the file holds ${list.length} checkpoints; export one`);
  const checkpoint = list[0] as Checkpoint;
  if (typeof checkpoint !== 'object' || checkpoint === null || !Array.isArray(checkpoint.leaves)) {
    throw new Error('not a checkpoint with its leaves');
  }
  return checkpoint;
}

async function countEvents(store: SqlEventStore): Promise<number> {
  const rows = await store.sqlDriver().query('SELECT count(*) FROM fristvagt.events', []);
  return Number(rows[0][0]);
}

/** A one-line progress bar with events/s, redrawn in place. */
class Progress {
  private readonly started = performance.now();
  private lastDraw = 0;

  constructor(
    private readonly total: number | null,
    private readonly io: VerifyIo,
  ) {}

  update(done: number): void {
    const now = performance.now();
    if (now - this.lastDraw < (this.io.progressEveryMs ?? 500)) return;
    this.lastDraw = now;
    this.io.stderr(`\r${this.line(done)}`);
  }

  /** Draws the last line; returns the seconds taken. */
  finish(done: number): number {
    this.io.stderr(`\r${this.line(done)}\n`);
    return Math.round((performance.now() - this.started) / 10) / 100;
  }

  private line(done: number): string {
    const seconds = Math.max((performance.now() - this.started) / 1000, 0.001);
    const total = this.total === null ? null : Math.max(this.total, done);
    const share = total === null || total === 0 ? 1 : Math.min(1, done / total);
    const width = 30;
    const bar = `[${'#'.repeat(Math.round(share * width)).padEnd(width, '.')}] ${Math.floor(share * 100)}%`;
    const of = total === null ? '' : `/${total.toLocaleString('en')}`;
    return `verify ${bar} ${done.toLocaleString('en')}${of} events  ${Math.round(done / seconds).toLocaleString('en')} events/s`;
  }
}
