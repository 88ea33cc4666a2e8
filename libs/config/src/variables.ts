/**
 * Every environment variable Fristvagt reads, as data: the one configuration schema that loadConfig reads
 * from (it refuses a name that is not declared here), that docs/configuration.md is generated from
 * (`npm run docs:config`) and that the static checks of docker/ hold the compose file against.
 */

/** The processes that read a variable. A process with FRISTVAGT_ROLE=all reads what `api` and `worker` read. */
export const READERS = ['api', 'worker', 'cli'] as const;
export type Reader = (typeof READERS)[number];

/** The sections of docs/configuration.md, in order. */
export const AREAS = {
  process: 'Process',
  storage: 'Storage',
  scheduler: 'Scheduler',
  projections: 'Projections',
  deadlines: 'Deadlines and facts',
  'personal-data': 'Personal data',
  alerts: 'Alerts',
  web: 'Web page',
  audit: 'Audit',
  logging: 'Logging',
  metrics: 'Metrics',
} as const;
export type Area = keyof typeof AREAS;

export interface VariableSpec {
  readonly name: string;
  readonly area: Area;
  /** Markdown: a literal in backticks, or `unset`, `generated …`, or a rule (`on, off in production`). */
  readonly default: string;
  /** One or two sentences, Markdown. */
  readonly meaning: string;
  /** The processes whose behaviour the variable changes (loadConfig validates every variable in every process). */
  readonly readBy: readonly Reader[];
  /** Key material or a URL that may carry a password: keep it in a secret store, never in a compose file. */
  readonly secret: boolean;
  /** A value as it would be written in the environment (placeholders in angle brackets for key material). */
  readonly example: string;
  /** Markdown: what loadConfig accepts. */
  readonly allowed: string;
  /** The processes that refuse to start with NODE_ENV=production while the variable is unset. */
  readonly requiredInProduction?: readonly Reader[];
}

const DURATION = 'a duration: `500ms`, `30s`, `15m`, `48h`, `2d` (a bare number is milliseconds)';
const FLAG = '`true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`)';
const SERVERS: readonly Reader[] = ['api', 'worker'];
const EVERY_PROCESS: readonly Reader[] = ['api', 'worker', 'cli'];

export const VARIABLES = [
  {
    name: 'FRISTVAGT_ROLE',
    area: 'process',
    default: '`all`',
    meaning:
      'Which part of Fristvagt the process runs: `all` is api and worker in one process (the embedded default); ' +
      '`api` serves the HTTP API, `worker` runs projections, wake-ups, alert delivery and checkpoints and serves only `/health`.',
    readBy: SERVERS,
    secret: false,
    example: 'worker',
    allowed: '`all`, `api`, `worker`',
  },
  {
    name: 'NODE_ENV',
    area: 'process',
    default: '`development`',
    meaning:
      '`production` requires the CPR keys, the webhook signing key and (worker) the checkpoint signing key, refuses ' +
      '`CLOCK_OFFSET_MS`, and turns off plain-http webhooks and turns on secure cookies by default.',
    readBy: EVERY_PROCESS,
    secret: false,
    example: 'production',
    allowed: '`development`, `production`, `test`',
  },
  {
    name: 'PORT',
    area: 'process',
    default: '`3000`',
    meaning: 'HTTP port of the API, and of `/health` on a worker.',
    readBy: SERVERS,
    secret: false,
    example: '3000',
    allowed: '0 to 65535 (`0` picks a free port)',
  },
  {
    name: 'HOST',
    area: 'process',
    default: '`127.0.0.1`',
    meaning: 'Address to listen on (`0.0.0.0` in a container).',
    readBy: SERVERS,
    secret: false,
    example: '0.0.0.0',
    allowed: 'a host name or IP address without spaces',
  },
  {
    name: 'DATA_DIR',
    area: 'storage',
    default: '`./data`',
    meaning:
      'Folder of the embedded PGlite event store and read models (when neither `DATABASE_URL` nor `EVENTSTORE_URL` ' +
      'is set), of the read models beside EventStoreDB without `DATABASE_URL`, and of generated development keys (`secrets/`).',
    readBy: EVERY_PROCESS,
    secret: false,
    example: '/data',
    allowed: 'a path, resolved against the working directory',
  },
  {
    name: 'DATABASE_URL',
    area: 'storage',
    default: 'unset',
    meaning:
      'PostgreSQL: events, read models (schema `read_models`) and, without `REDIS_URL`, wake-ups (BullMQ on PostgreSQL, ' +
      'schema `fristvagt_bullmq`). With `EVENTSTORE_URL`, only the read models and wake-ups.',
    readBy: EVERY_PROCESS,
    secret: true,
    example: 'postgres://fristvagt:<password>@db:5432/fristvagt',
    allowed: '`postgres://` or `postgresql://` URL',
  },
  {
    name: 'DATABASE_POOL_SIZE',
    area: 'storage',
    default: '`20`',
    meaning: 'Connections to PostgreSQL per process, all opened at start.',
    readBy: EVERY_PROCESS,
    secret: false,
    example: '20',
    allowed: 'whole number, 1 to 1000',
  },
  {
    name: 'EVENTSTORE_URL',
    area: 'storage',
    default: 'unset',
    meaning:
      'EventStoreDB: the events live there; read models then in `DATABASE_URL`, else in PGlite in `DATA_DIR/read-models`.',
    readBy: EVERY_PROCESS,
    secret: true,
    example: 'esdb://eventstore:2113?tls=false',
    allowed: '`esdb://` or `esdb+discover://` URL',
  },
  {
    name: 'REDIS_URL',
    area: 'scheduler',
    default: 'unset',
    meaning:
      'Wake-ups in BullMQ on this Redis (refused unless its `maxmemory-policy` is `noeviction`). Unset: BullMQ on ' +
      'PostgreSQL with `DATABASE_URL`, else timers in the process.',
    readBy: ['worker'],
    secret: true,
    example: 'redis://redis:6379',
    allowed: '`redis://` or `rediss://` URL',
  },
  {
    name: 'REDIS_PREFIX',
    area: 'scheduler',
    default: '`fristvagt`',
    meaning: 'BullMQ key prefix on Redis, so that deployments can share one Redis.',
    readBy: ['worker'],
    secret: false,
    example: 'fristvagt-461',
    allowed: '1 to 64 letters, digits, `.`, `-` or `_`',
  },
  {
    name: 'SCHEDULER_HORIZON',
    area: 'scheduler',
    default: '`48h`',
    meaning:
      'How far ahead wake-ups are kept in the queue; the sweep adds later ones as they come within it.',
    readBy: ['worker'],
    secret: false,
    example: '48h',
    allowed: `${DURATION}, at least \`1m\``,
  },
  {
    name: 'SCHEDULER_SWEEP_INTERVAL',
    area: 'scheduler',
    default: '`30s`',
    meaning: 'How often the sweep refills the horizon and checks every overdue, unmarked obligation.',
    readBy: ['worker'],
    secret: false,
    example: '30s',
    allowed: `${DURATION}, at least \`100ms\``,
  },
  {
    name: 'SCHEDULER_CONCURRENCY',
    area: 'scheduler',
    default: '`50`',
    meaning: 'Wake-ups one worker process handles at once.',
    readBy: ['worker'],
    secret: false,
    example: '50',
    allowed: 'whole number, 1 to 1000',
  },
  {
    name: 'PROJECTION_MAX_LAG',
    area: 'projections',
    default: '`30s`',
    meaning: '`/health` turns `degraded` (503) when a read model is further behind the log than this.',
    readBy: SERVERS,
    secret: false,
    example: '30s',
    allowed: `${DURATION}, at least \`100ms\``,
  },
  {
    name: 'DEADLINE_WARNING_LEAD',
    area: 'deadlines',
    default: 'rule pack',
    meaning:
      "One warning lead for every rule (`2s` in a test, `3d` for a cautious municipality); unset, each rule's lead in " +
      'days from the rule pack applies.',
    readBy: SERVERS,
    secret: false,
    example: '3d',
    allowed: DURATION,
  },
  {
    name: 'CLOCK_OFFSET_MS',
    area: 'deadlines',
    default: '`0`',
    meaning: 'Added to the system clock (tests and demonstrations set a due instant seconds ahead).',
    readBy: SERVERS,
    secret: false,
    example: '-60000',
    allowed: 'whole number of milliseconds, may be negative; refused with `NODE_ENV=production`',
  },
  {
    name: 'FACT_CLOCK_SKEW',
    area: 'deadlines',
    default: '`5m`',
    meaning:
      "How far a command's `occurredAt` may lie ahead of the clock, for callers whose clock runs a little fast; " +
      'further ahead is refused as `occurred-in-future`.',
    readBy: ['api'],
    secret: false,
    example: '5m',
    allowed: DURATION,
  },
  {
    name: 'EARLIEST_FACT_DATE',
    area: 'deadlines',
    default: 'rule pack (`1998-07-01`)',
    meaning:
      'No fact may fall on a local date before this one (`occurred-before-earliest-date`); unset, the first day any ' +
      'rule of the pack is in effect.',
    readBy: ['api'],
    secret: false,
    example: '2020-01-01',
    allowed: 'an existing calendar date, `YYYY-MM-DD`',
  },
  {
    name: 'CPR_ENCRYPTION_KEYS',
    area: 'personal-data',
    default: 'generated in `DATA_DIR/secrets` (not in production)',
    meaning:
      'AES-256 keys that encrypt CPR numbers at rest: the first encrypts, every one decrypts (rotate by putting a new ' +
      'key first and keeping the old ones). Set together with `CPR_LOOKUP_KEY`.',
    readBy: ['api'],
    secret: true,
    example: 'k2:<base64 of 32 bytes>,k1:<base64 of 32 bytes>',
    allowed: 'comma-separated `keyId:base64`, ids of 1 to 32 letters, digits, `-`, `_`; each key 32 bytes',
    requiredInProduction: EVERY_PROCESS,
  },
  {
    name: 'CPR_LOOKUP_KEY',
    area: 'personal-data',
    default: 'generated in `DATA_DIR/secrets` (not in production)',
    meaning:
      'HMAC-SHA256 key of the hash that finds cases by CPR number. Never rotated: the hashes are stored. Set together ' +
      'with `CPR_ENCRYPTION_KEYS`.',
    readBy: ['api'],
    secret: true,
    example: '<base64 of 32 bytes>',
    allowed: 'base64 of at least 32 bytes',
    requiredInProduction: EVERY_PROCESS,
  },
  {
    name: 'PUBLIC_URL',
    area: 'alerts',
    default: '`http://HOST:PORT`',
    meaning:
      'Where people reach the service: the links to a case in alerts, and the origin the web page’s sessions trust.',
    readBy: EVERY_PROCESS,
    secret: false,
    example: 'https://fristvagt.example.dk',
    allowed: '`http://` or `https://` URL',
  },
  {
    name: 'WEBHOOK_SIGNING_KEY',
    area: 'alerts',
    default: 'generated in `DATA_DIR/secrets` (not in production)',
    meaning: "Master key every subscription's webhook secret is derived from.",
    readBy: SERVERS,
    secret: true,
    example: '<base64 of 32 bytes>',
    allowed: 'base64 of at least 32 bytes',
    requiredInProduction: EVERY_PROCESS,
  },
  {
    name: 'ALERT_ALLOW_HTTP',
    area: 'alerts',
    default: 'on, off in production',
    meaning: 'Webhooks to plain `http://` URLs.',
    readBy: SERVERS,
    secret: false,
    example: 'false',
    allowed: FLAG,
  },
  {
    name: 'ALERT_ALLOWED_NETWORKS',
    area: 'alerts',
    default: 'none',
    meaning:
      'Hosts and CIDR ranges a webhook may reach although they are loopback, private or link-local (an on-premise ' +
      'receiver); by default those ranges are refused.',
    readBy: SERVERS,
    secret: false,
    example: '10.20.0.0/16,alerts.intern',
    allowed: 'comma-separated host names, IP addresses or CIDR ranges',
  },
  {
    name: 'ALERT_MAX_ATTEMPTS',
    area: 'alerts',
    default: '`10`',
    meaning: 'Attempts per alert delivery before it is marked failed and reported.',
    readBy: ['worker'],
    secret: false,
    example: '10',
    allowed: 'whole number, 1 to 100',
  },
  {
    name: 'ALERT_RETRY_DELAY',
    area: 'alerts',
    default: '`5s`',
    meaning: "The first retry's delay; each later one doubles, with jitter, up to `ALERT_RETRY_MAX_DELAY`.",
    readBy: ['worker'],
    secret: false,
    example: '5s',
    allowed: `${DURATION}, at least \`10ms\``,
  },
  {
    name: 'ALERT_RETRY_MAX_DELAY',
    area: 'alerts',
    default: '`10m`',
    meaning: 'The longest wait between two attempts.',
    readBy: ['worker'],
    secret: false,
    example: '10m',
    allowed: `${DURATION}, at least \`10ms\``,
  },
  {
    name: 'DIGEST_AT',
    area: 'alerts',
    default: '`07:00`',
    meaning: 'Copenhagen time of the daily digest.',
    readBy: ['worker'],
    secret: false,
    example: '06:30',
    allowed: '`HH:MM`, 00:00 to 23:59',
  },
  {
    name: 'SMTP_URL',
    area: 'alerts',
    default: 'unset',
    meaning: 'Mail relay for alert e-mails; unset, e-mail subscriptions are refused.',
    readBy: SERVERS,
    secret: true,
    example: 'smtps://fristvagt:<password>@mail.example.dk:465',
    allowed: '`smtp://` or `smtps://` URL',
  },
  {
    name: 'SMTP_FROM',
    area: 'alerts',
    default: '`Fristvagt <fristvagt@localhost>`',
    meaning: 'The sender of alert e-mails.',
    readBy: ['worker'],
    secret: false,
    example: 'Fristvagt <fristvagt@example.dk>',
    allowed: 'an e-mail address, optionally with a name: `Name <address@example.org>`',
  },
  {
    name: 'WEB_ASSETS_DIR',
    area: 'web',
    default: '`dist/web` of the repository',
    meaning: 'The built web page served at `/app` (`npm run build` makes it); without it `/app` answers 503.',
    readBy: ['api'],
    secret: false,
    example: '/app/dist/web',
    allowed: 'a path, resolved against the working directory',
  },
  {
    name: 'SESSION_IDLE_TIMEOUT',
    area: 'web',
    default: '`30m`',
    meaning: 'A web-page session unused this long ends (its last use is recorded to the minute).',
    readBy: ['api'],
    secret: false,
    example: '30m',
    allowed: `${DURATION}, at least \`1m\``,
  },
  {
    name: 'SESSION_MAX_AGE',
    area: 'web',
    default: '`8h`',
    meaning: 'A web-page session ends this long after sign-in, however busy.',
    readBy: ['api'],
    secret: false,
    example: '8h',
    allowed: `${DURATION}, at least \`1m\``,
  },
  {
    name: 'SESSION_COOKIE_SECURE',
    area: 'web',
    default: 'on in production, else off',
    meaning: 'The session cookie is `Secure` and named `__Host-fristvagt_session`.',
    readBy: ['api'],
    secret: false,
    example: 'true',
    allowed: FLAG,
  },
  {
    name: 'CHECKPOINT_SIGNING_KEY',
    area: 'audit',
    default: 'generated in `DATA_DIR/secrets` on PGlite only (not in production)',
    meaning:
      "Ed25519 private key that signs checkpoints of the event log's hash chain. Unset with a server database: no " +
      'checkpoint is sealed.',
    readBy: ['worker'],
    secret: true,
    example: '<base64 of the raw 32-byte Ed25519 key>',
    allowed: 'PEM (PKCS#8, `\\n` for line breaks allowed) or base64 of the raw 32-byte key',
    requiredInProduction: ['worker'],
  },
  {
    name: 'CHECKPOINT_INTERVAL',
    area: 'audit',
    default: '`1h`',
    meaning: 'How often the worker seals a signed Merkle checkpoint of every stream head.',
    readBy: ['worker'],
    secret: false,
    example: '1h',
    allowed: `${DURATION}, at least \`1s\``,
  },
  {
    name: 'LOG_LEVEL',
    area: 'logging',
    default: '`info`',
    meaning:
      'pino level; CPR numbers are redacted from every line; one `request` line per request at `info`.',
    readBy: SERVERS,
    secret: false,
    example: 'info',
    allowed: '`fatal`, `error`, `warn`, `info`, `debug`, `trace`, `silent`',
  },
  {
    name: 'METRICS_TOKEN',
    area: 'metrics',
    default: 'unset: `/metrics` on `PORT` answers the loopback address only',
    meaning:
      'Bearer token a Prometheus scrape of `GET /metrics` must send (`Authorization: Bearer …`), on `PORT` and on ' +
      '`METRICS_PORT` alike. Unset, `/metrics` on `PORT` answers only callers on 127.0.0.1 or ::1 that no proxy ' +
      'forwarded (401 otherwise), and `METRICS_PORT` answers everyone who reaches it.',
    readBy: SERVERS,
    secret: true,
    example: '<random token, e.g. openssl rand -base64 32>',
    allowed: '16 to 256 characters: letters, digits and `. _ ~ + / = -`',
  },
  {
    name: 'METRICS_PORT',
    area: 'metrics',
    default: 'unset (no listener of its own)',
    meaning:
      'A second listener on `HOST` that serves `GET /metrics` and nothing else, for api and worker processes alike; ' +
      'keep it on a network only Prometheus reaches, or set `METRICS_TOKEN` too.',
    readBy: SERVERS,
    secret: false,
    example: '9464',
    allowed: '0 to 65535 (`0` picks a free port), not `PORT`',
  },
] as const satisfies readonly VariableSpec[];

/** The name of a declared variable: the only argument loadConfig's `read` takes. */
export type VariableName = (typeof VARIABLES)[number]['name'];

const DECLARED: ReadonlyMap<string, VariableSpec> = new Map(VARIABLES.map((v) => [v.name, v]));

/** The declaration of a variable; throws (a programming error, not a ConfigError) for an undeclared name. */
export function declaredVariable(name: string): VariableSpec {
  const spec = DECLARED.get(name);
  if (spec === undefined) {
    throw new Error(
      `${name} is not declared in libs/config/src/variables.ts: declare every variable there before reading it ` +
        '(then run `npm run docs:config`)',
    );
  }
  return spec;
}

/** Where a variable is used outside the running service: by the tests, the benchmarks or the build. */
export type ToolingUse = 'tests' | 'benchmarks' | 'build';

/**
 * Variables read by the tooling, not by Fristvagt itself (loadConfig never reads them), listed in their own
 * section of docs/configuration.md. Those in INTERNAL_TOOLING_VARIABLES are left out.
 */
export interface ToolingVariableSpec {
  readonly name: string;
  readonly usedBy: readonly ToolingUse[];
  readonly default: string;
  readonly meaning: string;
}

export const TOOLING_VARIABLES: readonly ToolingVariableSpec[] = [
  {
    name: 'DATABASE_URL',
    usedBy: ['tests', 'benchmarks'],
    default: '`postgres://postgres@127.0.0.1:5432/postgres`',
    meaning:
      'A PostgreSQL server on which the tests and benchmarks create and drop their own databases (an admin URL, not ' +
      'the service’s database).',
  },
  {
    name: 'REDIS_URL',
    usedBy: ['tests'],
    default: '`redis://127.0.0.1:6379`',
    meaning: 'The Redis the scheduler tests use, each with its own key prefix.',
  },
  {
    name: 'EVENTSTORE_URL',
    usedBy: ['tests'],
    default: 'unset',
    meaning:
      'Runs the EventStoreDB contract suite against this server; unset, the suite is reported as skipped.',
  },
  {
    name: 'PG_MAJOR',
    usedBy: ['tests'],
    default: '`15`',
    meaning: 'Major version of the PostgreSQL binaries the crash tests start a private server with.',
  },
  {
    name: 'FUZZ_SEED',
    usedBy: ['tests'],
    default: '`20260325`',
    meaning: 'Seed of the API fuzz test, to replay a failing run.',
  },
  {
    name: 'SCREENSHOTS_DIR',
    usedBy: ['tests'],
    default: 'unset',
    meaning: 'The browser tests write screenshots of the web page there (`npm run docs:screenshots`).',
  },
  {
    name: 'FRISTVAGT_CPR_SCAN_COUNTS',
    usedBy: ['tests'],
    default: 'unset',
    meaning: '`1` prints how many responses and log lines the CPR scan saw per test file.',
  },
  {
    name: 'BENCH_NODE_ARGS',
    usedBy: ['benchmarks'],
    default: 'unset',
    meaning: "Flags for the benchmarked service's node, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.",
  },
  {
    name: 'BENCH_DEADLINES_DB',
    usedBy: ['benchmarks'],
    default: '`fv_bench_deadlines_kept`',
    meaning:
      'The kept database `npm run bench:deadlines -- --only rebuild` seeds once and measures rebuilds on.',
  },
  {
    name: 'BEFORE_TREE',
    usedBy: ['benchmarks'],
    default: 'unset',
    meaning: 'A checkout of an earlier version the hash-chain benchmark compares against.',
  },
  {
    name: 'WEB_OUT_DIR',
    usedBy: ['build'],
    default: '`dist/web`',
    meaning: 'Where `npm run build:web` writes the web page (a folder given after `--` wins).',
  },
];

/**
 * Variables a test passes from a parent to a child process it starts itself (internal to that test), and the
 * system's own: read in the sources, never set by a person, so not in docs/configuration.md.
 */
export const INTERNAL_TOOLING_VARIABLES: readonly string[] = [
  'SCHEDULER_SOURCE',
  'SCHEDULER_OPTIONS',
  'JOB_QUEUE_OPTIONS',
  'BATCH',
  'APPLY_DELAY_MS',
  'FRISTVAGT_TEST_CPR_FINDINGS',
  'PATH',
];
