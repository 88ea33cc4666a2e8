import { type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  CLOCK,
  type Clock,
  CONFIG,
  type Config,
  ConfigError,
  parseCheckpointSigningKey,
  readOrCreateSecret,
} from '@fristvagt/config';
import { EVENT_STORE, type EventStore, generateSigningKey, SqlEventStore } from '@fristvagt/event-store';
import { LOGGER, type Logger } from '@fristvagt/logging';

/** Where the generated key of the embedded default is kept, relative to DATA_DIR. */
export const GENERATED_CHECKPOINT_KEY_FILE = join('secrets', 'checkpoint-signing-key.pem');

/** How often a worker asks whether a checkpoint is due; the interval itself is kept by the store. */
const MAX_POLL_MS = 60_000;

/**
 * Seals a checkpoint of the hash chain every CHECKPOINT_INTERVAL (issue 13). Every worker polls; the store
 * seals only when the newest checkpoint is at least an interval old and under an advisory lock
 * (SqlEventStore.sealCheckpoint), so processes never seal twice. PostgreSQL and PGlite only: the EventStoreDB
 * adapter stores no hash chain (docs/architecture.md, "Tamper evidence"), so there is nothing to seal.
 */
@Injectable()
export class CheckpointSealer implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private key: KeyObject | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!(this.store instanceof SqlEventStore)) {
      this.logger.info({}, 'checkpoints are not sealed on EventStoreDB (its adapter keeps no hash chain)');
      return;
    }
    this.key = await resolveCheckpointSigningKey(this.config, this.logger);
    if (this.key === undefined) return;
    const every = Math.min(this.config.checkpoints.intervalMs, MAX_POLL_MS);
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.sealIfDue());
    }, every);
    this.timer.unref();
    this.running = this.sealIfDue();
  }

  /** Seals when due; returns whether it did. */
  async sealIfDue(): Promise<boolean> {
    if (this.key === undefined || !(this.store instanceof SqlEventStore)) return false;
    try {
      const checkpoint = await this.store.sealCheckpoint({
        key: this.key,
        now: this.clock.now(),
        intervalMs: this.config.checkpoints.intervalMs,
      });
      if (checkpoint !== null) {
        this.logger.info(
          {
            checkpoint: checkpoint.id,
            root: checkpoint.root,
            streams: checkpoint.streams,
            events: checkpoint.events,
          },
          'checkpoint sealed',
        );
      }
      return checkpoint !== null;
    } catch (error) {
      this.logger.error({ err: error }, 'sealing a checkpoint failed');
      return false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}

/**
 * CHECKPOINT_SIGNING_KEY when set. Unset on the embedded default (PGlite): a key generated the first time into
 * DATA_DIR/secrets/checkpoint-signing-key.pem (folder 0700, file 0600), read from there later, and a log line
 * that says so. Unset with a server database: no checkpoints, and a warning (a key on one machine's disk would
 * not be the deployment's key); production requires the variable.
 */
export async function resolveCheckpointSigningKey(
  config: Config,
  logger: Pick<Logger, 'warn'>,
): Promise<KeyObject | undefined> {
  if (config.checkpoints.signingKey !== undefined) return config.checkpoints.signingKey;
  if (config.nodeEnv === 'production') {
    throw new ConfigError([
      {
        variable: 'CHECKPOINT_SIGNING_KEY',
        message: 'is required when NODE_ENV=production (`openssl genpkey -algorithm ed25519` makes one)',
      },
    ]);
  }
  if (config.eventStore.adapter !== 'pglite') {
    logger.warn({}, 'CHECKPOINT_SIGNING_KEY is unset: no checkpoints of the event log are sealed');
    return undefined;
  }
  const path = join(config.dataDir, GENERATED_CHECKPOINT_KEY_FILE);
  const key = await readOrCreateSecret({
    path,
    variable: 'CHECKPOINT_SIGNING_KEY',
    kind: 'generated checkpoint signing key',
    generate: generateSigningKey,
    parse: parseCheckpointSigningKey,
  });
  logger.warn(
    { path },
    `CHECKPOINT_SIGNING_KEY is unset: checkpoints are signed with a key generated into ${path}. ` +
      'Set CHECKPOINT_SIGNING_KEY and keep its public key with the auditors before relying on checkpoints.',
  );
  return key;
}
