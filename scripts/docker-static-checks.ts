/**
 * Static checks of docker/: no Docker engine runs where Fristvagt is developed, so the compose file, the
 * Dockerfile and the .dockerignore are read as text and held against the one configuration schema
 * (libs/config/src/variables.ts) and what BullMQ and the image need. scripts/docker-static-checks.spec.ts runs
 * them in `npm test`; each finding has a stable code, so a test can feed broken text and expect the code.
 */
import { parse } from 'yaml';
import { ConfigError, loadConfig, type Reader, VARIABLES, type VariableSpec } from '@fristvagt/config';

export interface Finding {
  readonly code: string;
  /** `compose services.<name>…`, `Dockerfile line <n>` or `.dockerignore`. */
  readonly where: string;
  readonly message: string;
}

const SCHEMA: ReadonlyMap<string, VariableSpec> = new Map(VARIABLES.map((v) => [v.name, v]));

/** A tag that names a version: not `latest`, not missing, starts with a digit (`16.6`, `20-bookworm-slim`). */
export function pinnedImage(image: string): boolean {
  const match = /^(?:[^/]+\/)*[^/:@]+(?::([^@]+))?(@sha256:[0-9a-f]{64})?$/.exec(image);
  if (match === null) return false;
  if (match[2] !== undefined) return true;
  return match[1] !== undefined && match[1] !== 'latest' && /^\d/.test(match[1]);
}

// ---------------------------------------------------------------------------------------------- Dockerfile

export interface Instruction {
  readonly line: number;
  readonly keyword: string;
  readonly args: string;
}

export interface DockerfileFacts {
  readonly stages: readonly { readonly from: string; readonly instructions: readonly Instruction[] }[];
  /** ENV of the final stage. */
  readonly env: Readonly<Record<string, string>>;
  readonly healthcheck: boolean;
  readonly exposed: readonly number[];
}

/** Instructions with their first line number; continuation lines joined, comments and blank lines dropped. */
export function dockerInstructions(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending: { line: number; text: string } | undefined;
  text.split('\n').forEach((raw, index) => {
    const trimmed = raw.trim();
    if (pending === undefined && (trimmed === '' || trimmed.startsWith('#'))) return;
    if (pending !== undefined && trimmed.startsWith('#')) return;
    const continued = trimmed.endsWith('\\');
    const part = continued ? trimmed.slice(0, -1).trim() : trimmed;
    pending =
      pending === undefined
        ? { line: index + 1, text: part }
        : { ...pending, text: `${pending.text} ${part}` };
    if (!continued) {
      const [keyword, ...rest] = pending.text.split(/\s+/);
      instructions.push({ line: pending.line, keyword: keyword.toUpperCase(), args: rest.join(' ') });
      pending = undefined;
    }
  });
  return instructions;
}

/** `A=1 B="two"` (or the legacy `A 1`) as a record. */
function envPairs(args: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  if (!args.includes('=')) {
    const [name, ...value] = args.split(/\s+/);
    pairs[name] = value.join(' ');
    return pairs;
  }
  for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|(\S*))/g)) {
    pairs[match[1]] = match[3] ?? match[4];
  }
  return pairs;
}

export function checkDockerfile(text: string): { findings: Finding[]; facts: DockerfileFacts } {
  const findings: Finding[] = [];
  const at = (instruction: Instruction | undefined) =>
    instruction === undefined ? 'Dockerfile' : `Dockerfile line ${instruction.line}`;
  const stages: { from: string; instructions: Instruction[] }[] = [];
  for (const instruction of dockerInstructions(text)) {
    if (instruction.keyword === 'FROM') {
      const image = instruction.args.replace(/^--platform=\S+\s+/, '').split(/\s+/)[0];
      // `FROM build AS test` builds on an earlier stage, not on an image.
      const earlierStage = stages.some((stage) => /\sAS\s+(\S+)$/i.exec(stage.from)?.[1] === image);
      stages.push({ from: instruction.args, instructions: [instruction] });
      if (!earlierStage && !pinnedImage(image)) {
        findings.push({
          code: 'image-not-pinned',
          where: at(instruction),
          message: `FROM ${image} must name a version tag (not latest)`,
        });
      }
    } else if (stages.length > 0) stages[stages.length - 1].instructions.push(instruction);
  }
  if (stages.length < 2) {
    findings.push({
      code: 'dockerfile-single-stage',
      where: 'Dockerfile',
      message: 'must be multi-stage: build with dev dependencies, run with production dependencies only',
    });
  }
  const final = stages[stages.length - 1]?.instructions ?? [];
  const of = (keyword: string) => final.filter((i) => i.keyword === keyword);
  const finalFrom = final[0];

  const base = finalFrom?.args.split(/\s+/)[0] ?? '';
  if (finalFrom !== undefined && !/(slim|alpine|distroless)/.test(base)) {
    findings.push({
      code: 'dockerfile-large-base',
      where: at(finalFrom),
      message: `the final stage's base ${base} is not a slim, alpine or distroless image`,
    });
  }

  const users = of('USER');
  const user = users[users.length - 1];
  if (user === undefined || /^(root|0)(:|$)/.test(user.args.trim())) {
    findings.push({
      code: 'dockerfile-runs-as-root',
      where: at(user ?? finalFrom),
      message: 'the final stage must switch to an unprivileged USER',
    });
  }

  const healthchecks = of('HEALTHCHECK');
  const healthcheck = healthchecks[healthchecks.length - 1];
  if (healthcheck === undefined || /^NONE$/i.test(healthcheck.args.trim())) {
    findings.push({
      code: 'dockerfile-no-healthcheck',
      where: at(healthcheck ?? finalFrom),
      message: 'the final stage must have a HEALTHCHECK (GET /health)',
    });
  } else {
    const installs = (tool: string) =>
      of('RUN').some((i) => new RegExp(`(apt-get|apk)\\b.*\\b(install|add)\\b.*\\b${tool}\\b`).test(i.args));
    for (const tool of ['curl', 'wget']) {
      if (new RegExp(`\\b${tool}\\b`).test(healthcheck.args) && !installs(tool)) {
        findings.push({
          code: 'healthcheck-tool-missing',
          where: at(healthcheck),
          message: `the HEALTHCHECK calls ${tool}, which the final stage does not install (use node's fetch)`,
        });
      }
    }
    if (!/\/health\b/.test(healthcheck.args)) {
      findings.push({
        code: 'healthcheck-not-health',
        where: at(healthcheck),
        message: 'the HEALTHCHECK must ask GET /health',
      });
    }
  }

  const runs = of('RUN');
  const prodInstall = runs.some((i) => /\bnpm ci\b[^&;|]*--omit[= ]dev\b/.test(i.args));
  const copiedModules = of('COPY').some((i) => /--from=\S+/.test(i.args) && /node_modules/.test(i.args));
  const devInstall = runs.find(
    (i) => /\bnpm (ci|install|i)\b/.test(i.args) && !/--omit[= ]dev\b|--production\b/.test(i.args),
  );
  if ((!prodInstall && !copiedModules) || devInstall !== undefined) {
    findings.push({
      code: 'dockerfile-dev-dependencies',
      where: at(devInstall ?? finalFrom),
      message: 'the final stage must install production dependencies only (`npm ci --omit=dev`)',
    });
  }

  const env: Record<string, string> = {};
  for (const instruction of of('ENV')) {
    for (const [name, value] of Object.entries(envPairs(instruction.args))) {
      env[name] = value;
      if (!SCHEMA.has(name)) {
        findings.push({
          code: 'undeclared-variable',
          where: at(instruction),
          message: `ENV ${name} is not declared in libs/config/src/variables.ts`,
        });
      }
    }
  }
  const exposed = of('EXPOSE').flatMap((i) =>
    i.args.split(/\s+/).map((port) => Number(port.replace(/\/(tcp|udp)$/, ''))),
  );
  const port = Number(env.PORT ?? 3000);
  if (!exposed.includes(port)) {
    findings.push({
      code: 'dockerfile-expose-port',
      where: at(of('EXPOSE')[0] ?? finalFrom),
      message: `EXPOSE must include PORT (${port}), got ${exposed.length === 0 ? 'none' : exposed.join(', ')}`,
    });
  }
  if (env.NODE_ENV !== 'production') {
    findings.push({
      code: 'dockerfile-not-production',
      where: at(of('ENV')[0] ?? finalFrom),
      message: 'the final stage must set NODE_ENV=production',
    });
  }
  return {
    findings,
    facts: {
      stages,
      env,
      healthcheck: healthcheck !== undefined && !/^NONE$/i.test(healthcheck.args),
      exposed,
    },
  };
}

// ------------------------------------------------------------------------------------------- .dockerignore

export const DOCKERIGNORE_REQUIRED = ['node_modules', 'data', '.git', 'dist'] as const;

export function checkDockerignore(text: string | undefined): Finding[] {
  if (text === undefined) {
    return [
      {
        code: 'dockerignore-missing',
        where: '.dockerignore',
        message: 'the build context needs a .dockerignore',
      },
    ];
  }
  const entries = new Set(
    text
      .split('\n')
      .map((line) =>
        line
          .trim()
          .replace(/^\/+|\/+$/g, '')
          .replace(/^\*\*\//, ''),
      )
      .filter((line) => line !== '' && !line.startsWith('#')),
  );
  return DOCKERIGNORE_REQUIRED.filter((entry) => !entries.has(entry)).map((entry) => ({
    code: 'dockerignore-missing-entry',
    where: '.dockerignore',
    message: `must exclude ${entry}`,
  }));
}

// --------------------------------------------------------------------------------------------------- compose

/** One `${NAME…}` reference of compose interpolation. */
interface Interpolation {
  readonly name: string;
  /** `:-` / `-` default, `:?` / `?` required, or a plain reference. */
  readonly kind: 'default' | 'required' | 'plain';
  readonly empty: boolean;
  readonly operand: string;
}

const INTERPOLATION = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])((?:[^{}]|\{[^{}]*\})*))?\}/g;

function interpolations(value: string): Interpolation[] {
  return [...value.matchAll(INTERPOLATION)].map((match) => ({
    name: match[1],
    kind: match[3] === undefined ? 'plain' : match[3] === '-' ? 'default' : 'required',
    empty: match[2] !== ':',
    operand: match[4] ?? '',
  }));
}

/**
 * The value a service sees when the operator sets only what compose demands (`${X:?…}`): defaults filled in,
 * required references replaced by `placeholder(X)`, plain references by nothing.
 */
function resolveValue(value: string, placeholder: (name: string) => string): string {
  return value.replace(INTERPOLATION, (_all, name: string, _colon: string, op: string, operand: string) =>
    op === '-' ? resolveValue(operand ?? '', placeholder) : op === '?' ? placeholder(name) : '',
  );
}

/** Whether compose hands the process a non-empty value (a literal, a required reference, or a non-empty default). */
function provided(value: string | undefined): boolean {
  if (value === undefined || value.trim() === '') return false;
  const refs = interpolations(value);
  if (refs.length === 0) return true;
  const rest = value.replace(INTERPOLATION, '').trim();
  return (
    rest !== '' ||
    refs.some(
      (ref) => (ref.kind === 'required' && !ref.empty) || (ref.kind === 'default' && ref.operand !== ''),
    )
  );
}

/** A URL's password, if one is written literally. */
function literalPassword(value: string): boolean {
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^@/\s]*)@/i.exec(value);
  return match !== null && /:[^$]+$/.test(match[1]) && !match[1].includes('${');
}

type Mapping = Record<string, unknown>;
const isMapping = (value: unknown): value is Mapping =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function environmentOf(service: Mapping): Record<string, string> {
  const raw = service.environment;
  const env: Record<string, string> = {};
  if (Array.isArray(raw)) {
    for (const entry of raw) {
      const [name, ...value] = String(entry).split('=');
      env[name] = value.join('=');
    }
  } else if (isMapping(raw)) {
    for (const [name, value] of Object.entries(raw)) env[name] = value === null ? '' : String(value);
  }
  return env;
}

function commandTokens(command: unknown): string[] {
  if (Array.isArray(command)) return command.map(String);
  if (typeof command === 'string') return command.split(/\s+/).filter(Boolean);
  return [];
}

/** A valid value for each secret compose requires, so that loadConfig can check the rest of an environment. */
const PLACEHOLDERS: Readonly<Record<string, string>> = {
  CPR_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
  CPR_LOOKUP_KEY: Buffer.alloc(32, 2).toString('base64'),
  WEBHOOK_SIGNING_KEY: Buffer.alloc(32, 3).toString('base64'),
  CHECKPOINT_SIGNING_KEY: Buffer.alloc(32, 4).toString('base64'),
  METRICS_TOKEN: 'a'.repeat(32),
};

export interface ComposeContext {
  /** The Dockerfile's facts (its final stage's ENV and HEALTHCHECK apply to services built from it). */
  readonly dockerfile: DockerfileFacts;
  /** The Dockerfile path app services build from, relative to the build context. */
  readonly dockerfilePath: string;
  /** The tag the app image must carry (package.json's version). */
  readonly appVersion: string;
}

const BACKING = { postgres: /^postgres:/, redis: /^redis:/, eventstore: /^eventstore\/eventstore:/ } as const;

export function checkCompose(text: string, context: ComposeContext): Finding[] {
  const findings: Finding[] = [];
  const report = (code: string, where: string, message: string) =>
    findings.push({ code, where: `compose ${where}`, message });
  let document: unknown;
  try {
    document = parse(text, { merge: true });
  } catch (error) {
    report('compose-invalid-yaml', 'file', (error as Error).message.split('\n')[0]);
    return findings;
  }
  const services = isMapping(document) && isMapping(document.services) ? document.services : undefined;
  if (services === undefined) {
    report('compose-invalid-yaml', 'file', 'has no services mapping');
    return findings;
  }

  const images = new Map<string, string>();
  const builtImages = new Set<string>();
  for (const [name, service] of Object.entries(services)) {
    if (!isMapping(service)) continue;
    if (typeof service.image === 'string') images.set(name, service.image);
    if (service.build !== undefined && typeof service.image === 'string') {
      const build = service.build;
      const dockerfile =
        isMapping(build) && typeof build.dockerfile === 'string' ? build.dockerfile : 'Dockerfile';
      if (dockerfile === context.dockerfilePath) builtImages.add(service.image);
    }
  }
  const isApp = (name: string) => builtImages.has(images.get(name) ?? '');
  const kindOf = (name: string) =>
    (Object.keys(BACKING) as (keyof typeof BACKING)[]).find((kind) =>
      BACKING[kind].test(images.get(name) ?? ''),
    );

  const roles = new Map<string, string>();
  for (const [name, service] of Object.entries(services)) {
    const where = `services.${name}`;
    if (!isMapping(service)) {
      report('compose-invalid-yaml', where, 'is not a mapping');
      continue;
    }
    const image = images.get(name);
    if (image === undefined) report('image-missing', where, 'has no image');
    else if (!pinnedImage(image))
      report('image-not-pinned', `${where}.image`, `${image} must name a version tag (not latest)`);

    const app = isApp(name);
    if (app && image !== `fristvagt:${context.appVersion}`) {
      report(
        'app-image-version',
        `${where}.image`,
        `${image} must be tagged with package.json's version ${context.appVersion}`,
      );
    }
    const healthcheck = service.healthcheck;
    const disabled = isMapping(healthcheck) && healthcheck.disable === true;
    const ownCheck = isMapping(healthcheck) && !disabled && healthcheck.test !== undefined;
    if (!ownCheck && !(app && context.dockerfile.healthcheck && !disabled)) {
      report(
        'service-no-healthcheck',
        where,
        'has no health check (its own, or the Dockerfile HEALTHCHECK of the app image)',
      );
    }

    const dependsOn = service.depends_on;
    if (Array.isArray(dependsOn)) {
      for (const dependency of dependsOn) {
        report(
          'depends-on-not-healthy',
          `${where}.depends_on.${String(dependency)}`,
          'must be `condition: service_healthy` (a list waits for nothing)',
        );
      }
    } else if (isMapping(dependsOn)) {
      for (const [dependency, condition] of Object.entries(dependsOn)) {
        const path = `${where}.depends_on.${dependency}`;
        if (!(dependency in services)) report('depends-on-unknown', path, 'names no service of this file');
        else if (
          kindOf(dependency) !== undefined &&
          (!isMapping(condition) || condition.condition !== 'service_healthy')
        ) {
          report(
            'depends-on-not-healthy',
            path,
            `must wait with condition: service_healthy for ${dependency}`,
          );
        }
      }
    }

    const kind = kindOf(name);
    if (kind === 'redis') {
      const tokens = commandTokens(service.command).map((token) => token.toLowerCase());
      const option = (flag: string) => {
        const index = tokens.indexOf(flag);
        return index < 0 ? undefined : tokens[index + 1];
      };
      if (option('--maxmemory-policy') !== 'noeviction') {
        report(
          'redis-eviction',
          `${where}.command`,
          'Redis must run with --maxmemory-policy noeviction (BullMQ loses jobs otherwise)',
        );
      }
      if (option('--appendonly') !== 'yes')
        report('redis-aof', `${where}.command`, 'Redis must run with --appendonly yes');
      if (option('--appendfsync') !== 'everysec') {
        report('redis-fsync', `${where}.command`, 'Redis must run with --appendfsync everysec');
      }
    }

    if (!app) continue;
    const env = environmentOf(service);
    for (const variable of Object.keys(env)) {
      if (!SCHEMA.has(variable)) {
        report(
          'undeclared-variable',
          `${where}.environment.${variable}`,
          'is not declared in libs/config/src/variables.ts',
        );
      }
    }
    for (const [variable, value] of Object.entries(env)) {
      if (SCHEMA.get(variable)?.secret !== true) continue;
      // A URL may name its host here (its password only as ${…}); key material comes from the operator alone.
      const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
      const refs = interpolations(value);
      const written = url
        ? literalPassword(value)
        : refs.length === 0 || refs.some((ref) => ref.kind === 'default' && ref.operand !== '');
      if (written) {
        report(
          'secret-in-compose',
          `${where}.environment.${variable}`,
          'is a secret: pass it in from the environment with ${…} (no default), never write it here',
        );
      }
    }
    const role = resolveValue(env.FRISTVAGT_ROLE ?? 'all', () => '');
    roles.set(name, role);
    const readers: readonly Reader[] =
      role === 'all' ? ['api', 'worker'] : role === 'api' || role === 'worker' ? [role] : [];
    const nodeEnv = resolveValue(
      env.NODE_ENV ?? context.dockerfile.env.NODE_ENV ?? 'development',
      () => 'production',
    );
    if (nodeEnv === 'production') {
      for (const variable of VARIABLES) {
        const required: readonly Reader[] =
          'requiredInProduction' in variable ? variable.requiredInProduction : [];
        if (required.some((reader) => readers.includes(reader)) && !provided(env[variable.name])) {
          report(
            'missing-production-variable',
            `${where}.environment.${variable.name}`,
            `is required with NODE_ENV=production by ${role}`,
          );
        }
      }
    }
    const resolved: Record<string, string> = { ...context.dockerfile.env };
    for (const [variable, value] of Object.entries(env)) {
      if (!SCHEMA.has(variable)) continue;
      resolved[variable] = resolveValue(value, () => PLACEHOLDERS[variable] ?? 'x');
    }
    try {
      loadConfig(resolved);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      for (const issue of error.issues) {
        report('invalid-value', `${where}.environment.${issue.variable}`, issue.message);
      }
    }
    if (role !== 'all' && !provided(env.DATABASE_URL)) {
      report(
        'split-roles-need-database',
        `${where}.environment.DATABASE_URL`,
        `FRISTVAGT_ROLE=${role} runs apart from its partner, which shares read models and wake-ups only through DATABASE_URL`,
      );
    }
    if (provided(env.EVENTSTORE_URL)) {
      const host = /^esdb(?:\+discover)?:\/\/([^:/?,]+)/.exec(
        resolveValue(env.EVENTSTORE_URL, () => ''),
      )?.[1];
      const dependency = isMapping(dependsOn) ? dependsOn[host ?? ''] : undefined;
      if (
        host === undefined ||
        kindOf(host) !== 'eventstore' ||
        !isMapping(dependency) ||
        dependency.condition !== 'service_healthy'
      ) {
        report(
          'eventstore-dependency',
          `${where}.depends_on`,
          `EVENTSTORE_URL points at ${host ?? 'no host'}: depend on that EventStoreDB service with condition: service_healthy`,
        );
      }
    }
  }

  const appRoles = [...roles.values()];
  for (const role of ['api', 'worker']) {
    if (!appRoles.includes(role))
      report('compose-missing-service', 'services', `no app service runs FRISTVAGT_ROLE=${role}`);
  }
  for (const kind of ['postgres', 'redis'] as const) {
    if (![...images.keys()].some((name) => kindOf(name) === kind))
      report('compose-missing-service', 'services', `no ${kind} service`);
  }
  const profileOf = (name: string) => {
    const service = services[name];
    return isMapping(service) && Array.isArray(service.profiles) ? service.profiles.map(String) : [];
  };
  const eventstoreServices = [...images.keys()].filter((name) => kindOf(name) === 'eventstore');
  if (!eventstoreServices.some((name) => profileOf(name).includes('eventstoredb'))) {
    report('eventstoredb-profile', 'services', 'no EventStoreDB service in the profile eventstoredb');
  }
  for (const role of ['api', 'worker']) {
    const onEventStore = [...roles.entries()].some(
      ([name, r]) =>
        r === role &&
        profileOf(name).includes('eventstoredb') &&
        provided(environmentOf(services[name] as Mapping).EVENTSTORE_URL),
    );
    if (!onEventStore) {
      report(
        'eventstoredb-profile',
        'services',
        `no ${role} service in the profile eventstoredb with EVENTSTORE_URL set`,
      );
    }
  }
  return findings;
}
