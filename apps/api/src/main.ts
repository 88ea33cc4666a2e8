import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import pino, { type DestinationStream } from 'pino';
import { type Clock, type Config, loadConfig, tuneGarbageCollection } from '@fristvagt/config';
import { EVENT_STORE, type EventStore } from '@fristvagt/event-store';
import { createLogger, type Logger, PinoNestLogger } from '@fristvagt/logging';
import { AppModule } from './app.module';
import { MetricsListenError } from './metrics/metrics-server';
import { requestIdOf, useAccessLog } from './http/access-log';
import { serveOpenApi } from './openapi';
import { answerClientError } from './problems/client-errors';
import { answerFrameworkError, JSON_BODY_LIMIT_BYTES, useJsonBodies } from './problems/json-bodies';
import { serveWebPage } from './web/web-page';

export interface RunningApp {
  readonly app: NestFastifyApplication;
  readonly config: Config;
  readonly logger: Logger;
  /** Where it listens, e.g. `http://127.0.0.1:3000`. */
  readonly url: string;
  /** Stops the HTTP server, the worker and the event store. Safe to call more than once. */
  close(): Promise<void>;
}

export interface BootstrapOptions {
  /** Default: stdout. */
  readonly logDestination?: DestinationStream;
  /** Default: the system clock. Tests pin `now` with a FixedClock. */
  readonly clock?: Clock;
}

/** The HTTP server could not listen; names the variable to change. */
export class ListenError extends Error {
  readonly code = 'listen-failed';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ListenError';
  }
}

/**
 * Starts one Fristvagt process from an environment: validates it (ConfigError), opens the event store
 * (EventStoreStartupError), and listens on HOST:PORT. Rejects with an error whose message names the
 * variable at fault; nothing is left running then.
 */
export async function bootstrap(env: NodeJS.ProcessEnv, options: BootstrapOptions = {}): Promise<RunningApp> {
  const config = loadConfig(env);
  const logger = createLogger({
    level: config.logLevel,
    base: { role: config.role },
    ...(options.logDestination !== undefined && { destination: options.logDestination }),
  });

  // Nest's logger stays off while the modules are built: a failure there reaches the caller as this
  // rejection and is reported once, by it, instead of a second time with Nest's stack trace.
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forConfig(config, logger, options.clock),
    // Obligation ids in paths are longer than Fastify's default of 100 characters per parameter.
    new FastifyAdapter({
      bodyLimit: JSON_BODY_LIMIT_BYTES,
      routerOptions: { maxParamLength: 512 },
      frameworkErrors: answerFrameworkError,
      clientErrorHandler: answerClientError,
      // X-Request-Id is read by requestIdOf, which refuses what it should not log.
      requestIdHeader: false,
      genReqId: requestIdOf,
    }),
    {
      logger: false,
      abortOnError: false,
      // useJsonBodies installs the only body parser, so that body errors become problem+json.
      bodyParser: false,
    },
  );
  app.useLogger(new PinoNestLogger(logger));
  try {
    useAccessLog(app, logger);
    useJsonBodies(app);
    // The worker alone serves /health and /metrics and nothing else.
    if (config.role !== 'worker') {
      serveOpenApi(app);
      await serveWebPage(app, config.web.assetsDir, logger);
    }
  } catch (error) {
    await app.close();
    throw error;
  }

  try {
    await app.listen(config.port, config.host);
  } catch (error) {
    await app.close();
    // METRICS_PORT is opened as the app starts (MetricsServer), and names its own variable.
    if (error instanceof MetricsListenError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const variable = code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' ? 'HOST' : 'PORT';
    throw new ListenError(
      `${variable}: cannot listen on ${config.host}:${config.port} (${code ?? String(error)})`,
      {
        cause: error,
      },
    );
  }

  const url = await app.getUrl();
  const eventStore = await app.get<EventStore>(EVENT_STORE).health();
  logger.info(
    {
      url,
      eventStore: { adapter: eventStore.adapter, location: eventStore.location },
      nodeEnv: config.nodeEnv,
    },
    `Fristvagt (${config.role}) listening on ${url}`,
  );

  let closing: Promise<void> | undefined;
  return { app, config, logger, url, close: () => (closing ??= app.close()) };
}

/** Grace period for in-flight work at SIGINT/SIGTERM before the process exits regardless. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  let running: RunningApp;
  try {
    running = await bootstrap(process.env);
  } catch (error) {
    reportStartupFailure(error);
    process.exit(1);
  }

  const { logger } = running;
  const stop = (reason: string, exitCode: number) => {
    logger.info({ reason }, 'shutting down');
    setTimeout(() => {
      logger.error(`shutdown took longer than ${SHUTDOWN_TIMEOUT_MS / 1000} s; exiting`);
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    running.close().then(
      () => process.exit(exitCode),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT', 0));
  process.once('SIGTERM', () => stop('SIGTERM', 0));
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception');
    stop('uncaught exception', 1);
  });
  process.on('unhandledRejection', (error) => {
    logger.fatal({ err: error }, 'unhandled rejection');
    stop('unhandled rejection', 1);
  });
}

/**
 * One line on stderr. Configuration and connection errors carry a message naming the variable and
 * no secret; anything else is unexpected and is logged with its stack.
 */
function reportStartupFailure(error: unknown): void {
  const logger = createLogger({ destination: pino.destination({ dest: 2, sync: true }) });
  const code = (error as { code?: unknown }).code;
  const known = ['config-invalid', 'event-store-unavailable', 'scheduler-unavailable', 'listen-failed'];
  if (error instanceof Error && typeof code === 'string' && known.includes(code)) {
    logger.fatal({ code }, error.message);
  } else {
    logger.fatal(
      { err: error },
      `start-up failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

if (require.main === module) {
  tuneGarbageCollection();
  void main();
}
