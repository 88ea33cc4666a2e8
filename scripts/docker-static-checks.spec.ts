import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkCompose,
  checkDockerfile,
  checkDockerignore,
  type ComposeContext,
  pinnedImage,
} from './docker-static-checks';

const ROOT = join(__dirname, '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const DOCKERFILE = read('docker/Dockerfile');
const COMPOSE = read('docker/docker-compose.yml');
const VERSION = (JSON.parse(read('package.json')) as { version: string }).version;

function context(dockerfile = DOCKERFILE): ComposeContext {
  return {
    dockerfile: checkDockerfile(dockerfile).facts,
    dockerfilePath: 'docker/Dockerfile',
    appVersion: VERSION,
  };
}

/** Replaces text that must be there, so that a test never passes because its edit missed. */
function edit(text: string, from: string | RegExp, to: string): string {
  const changed = text.replace(from, to);
  if (changed === text) throw new Error(`the edit did not apply: ${String(from)}`);
  return changed;
}

const codes = (findings: readonly { code: string }[]) => findings.map((f) => f.code);
const composeCodes = (text: string, ctx = context()) => codes(checkCompose(text, ctx));
const dockerfileCodes = (text: string) => codes(checkDockerfile(text).findings);

describe('docker/ as committed', () => {
  it('passes every check of the Dockerfile: multi-stage, slim, non-root, HEALTHCHECK, production dependencies', () => {
    const { findings, facts } = checkDockerfile(DOCKERFILE);
    expect(findings).toEqual([]);
    expect(facts.stages.length).toBeGreaterThanOrEqual(2);
    expect(facts.env).toMatchObject({ NODE_ENV: 'production', PORT: '3000', HOST: '0.0.0.0' });
    expect(facts.exposed).toContain(3000);
  });

  it('passes every check of docker-compose.yml against the configuration schema', () => {
    expect(checkCompose(COMPOSE, context())).toEqual([]);
  });

  it('has a .dockerignore at the build context (the repository root) that keeps local state out', () => {
    const path = join(ROOT, '.dockerignore');
    expect(existsSync(path)).toBe(true);
    expect(checkDockerignore(readFileSync(path, 'utf8'))).toEqual([]);
  });

  it('keeps one compose file, under the name the docs use', () => {
    expect(existsSync(join(ROOT, 'docker', 'compose.yml'))).toBe(false);
    expect(read('docker/README.md')).toContain('docker-compose.yml');
  });
});

describe('the compose checks name what is wrong', () => {
  it('Redis without noeviction, without AOF, or without fsync every second', () => {
    expect(composeCodes(edit(COMPOSE, "'noeviction'", "'allkeys-lru'"))).toEqual(['redis-eviction']);
    expect(composeCodes(edit(COMPOSE, "'--appendonly', 'yes', ", ''))).toEqual(['redis-aof']);
    expect(composeCodes(edit(COMPOSE, "'--appendfsync', 'everysec'", "'--appendfsync', 'always'"))).toEqual([
      'redis-fsync',
    ]);
  });

  it('a dependency that is only started, or a list of dependencies, instead of service_healthy', () => {
    const started = edit(
      COMPOSE,
      /( {2}worker:\n[\s\S]*?redis:\n\s+condition: )service_healthy/,
      '$1service_started',
    );
    expect(checkCompose(started, context())).toEqual([
      expect.objectContaining({
        code: 'depends-on-not-healthy',
        where: 'compose services.worker.depends_on.redis',
      }),
    ]);
    const list = edit(
      COMPOSE,
      /( {2}worker:\n[\s\S]*?depends_on:\n)(\s+postgres:\n\s+condition: service_healthy\n\s+redis:\n\s+condition: service_healthy\n)/,
      '$1      - postgres\n      - redis\n',
    );
    expect(composeCodes(list)).toEqual(['depends-on-not-healthy', 'depends-on-not-healthy']);
  });

  it('an environment variable the schema does not declare', () => {
    const typo = edit(COMPOSE, 'LOG_LEVEL: ${LOG_LEVEL:-info}', 'LOG_LEVL: ${LOG_LEVEL:-info}');
    expect(new Set(composeCodes(typo))).toEqual(new Set(['undeclared-variable']));
  });

  it('a variable production requires that a role is not given', () => {
    const noKey = edit(COMPOSE, /( {2}worker:\n[\s\S]*?)\s+CHECKPOINT_SIGNING_KEY: [^\n]*/, '$1');
    expect(checkCompose(noKey, context())).toEqual([
      expect.objectContaining({
        code: 'missing-production-variable',
        where: 'compose services.worker.environment.CHECKPOINT_SIGNING_KEY',
      }),
    ]);
    const mayBeEmpty = edit(
      COMPOSE,
      /CPR_LOOKUP_KEY: \$\{CPR_LOOKUP_KEY:\?[^}]*\}/,
      'CPR_LOOKUP_KEY: ${CPR_LOOKUP_KEY:-}',
    );
    expect(composeCodes(mayBeEmpty)).toContain('missing-production-variable');
  });

  it('a value loadConfig refuses, with loadConfig’s message', () => {
    const findings = checkCompose(edit(COMPOSE, "METRICS_PORT: '9464'", "METRICS_PORT: 'ninety'"), context());
    expect(findings[0]).toMatchObject({
      code: 'invalid-value',
      where: 'compose services.api.environment.METRICS_PORT',
      message: expect.stringContaining('must be a whole number'),
    });
  });

  it('a secret written into the file', () => {
    const written = edit(
      COMPOSE,
      /WEBHOOK_SIGNING_KEY: \$\{WEBHOOK_SIGNING_KEY:\?[^}]*\}/,
      `WEBHOOK_SIGNING_KEY: ${Buffer.alloc(32, 9).toString('base64')}`,
    );
    expect(new Set(composeCodes(written))).toEqual(new Set(['secret-in-compose']));
    const password = edit(
      COMPOSE,
      'REDIS_URL: redis://redis:6379',
      'REDIS_URL: redis://:hunter2hunter2@redis:6379',
    );
    expect(new Set(composeCodes(password))).toEqual(new Set(['secret-in-compose']));
  });

  it('an image without a version tag, or none at all', () => {
    expect(composeCodes(edit(COMPOSE, 'image: postgres:16.6', 'image: postgres:latest'))).toEqual([
      'image-not-pinned',
    ]);
    expect(composeCodes(edit(COMPOSE, 'image: redis:7.4', 'image: redis'))).toContain('image-not-pinned');
    expect(composeCodes(edit(COMPOSE, 'image: fristvagt:0.1.0', 'image: fristvagt:0.0.9'))).toContain(
      'app-image-version',
    );
    expect(pinnedImage('eventstore/eventstore:24.10')).toBe(true);
    expect(pinnedImage('node:20-bookworm-slim')).toBe(true);
    expect(pinnedImage('node')).toBe(false);
  });

  it('a service without a health check, or an app image whose Dockerfile has none', () => {
    const noCheck = edit(COMPOSE, /( {2}redis:\n[\s\S]*?) {4}healthcheck:\n( {6}.*\n)+/, '$1');
    expect(composeCodes(noCheck)).toContain('service-no-healthcheck');
    const dockerfile = edit(DOCKERFILE, /HEALTHCHECK [\s\S]*?\n(?=CMD)/, '');
    const findings = checkCompose(COMPOSE, context(dockerfile));
    expect(findings.map((f) => f.where)).toEqual(
      expect.arrayContaining(['compose services.api', 'compose services.worker']),
    );
    expect(new Set(codes(findings))).toEqual(new Set(['service-no-healthcheck']));
  });

  it('split roles without a shared database', () => {
    const noDatabase = edit(COMPOSE, /( {2}worker:\n[\s\S]*?)\s+DATABASE_URL: [^\n]*/, '$1');
    expect(composeCodes(noDatabase)).toEqual(['split-roles-need-database']);
  });

  it('no eventstoredb profile, or app services on EventStoreDB that do not wait for it', () => {
    const noProfile = COMPOSE.replace(/\n {4}profiles: \['eventstoredb'\]/g, '');
    expect(composeCodes(noProfile)).toEqual([
      'eventstoredb-profile',
      'eventstoredb-profile',
      'eventstoredb-profile',
    ]);
    const noWait = edit(
      COMPOSE,
      /( {2}api-eventstoredb:\n[\s\S]*?)\s+eventstore:\n\s+condition: service_healthy/,
      '$1',
    );
    expect(composeCodes(noWait)).toEqual(['eventstore-dependency']);
  });

  it('missing roles and services, and text that is not YAML', () => {
    expect(composeCodes('services: [')).toEqual(['compose-invalid-yaml']);
    expect(composeCodes('name: x\n')).toEqual(['compose-invalid-yaml']);
    expect(
      composeCodes(
        'services:\n  cache:\n    image: memcached:1.6\n    healthcheck:\n      test: [CMD, true]\n',
      ),
    ).toEqual([
      'compose-missing-service',
      'compose-missing-service',
      'compose-missing-service',
      'compose-missing-service',
      'eventstoredb-profile',
      'eventstoredb-profile',
      'eventstoredb-profile',
    ]);
  });
});

describe('the Dockerfile checks name what is wrong', () => {
  it('one stage only', () => {
    const single = DOCKERFILE.replace(/^FROM node:20-bookworm-slim AS build[\s\S]*?(?=^FROM)/m, '').replace(
      /^COPY --from=build .*$/m,
      'COPY dist ./dist',
    );
    expect(dockerfileCodes(single)).toEqual(['dockerfile-single-stage']);
  });

  it('runs as root', () => {
    expect(dockerfileCodes(edit(DOCKERFILE, /^USER node$/m, ''))).toEqual(['dockerfile-runs-as-root']);
    expect(dockerfileCodes(edit(DOCKERFILE, /^USER node$/m, 'USER root'))).toEqual([
      'dockerfile-runs-as-root',
    ]);
  });

  it('no HEALTHCHECK, or one that needs curl in a slim image', () => {
    expect(dockerfileCodes(edit(DOCKERFILE, /HEALTHCHECK [\s\S]*?\n(?=CMD)/, ''))).toEqual([
      'dockerfile-no-healthcheck',
    ]);
    const curl = edit(
      DOCKERFILE,
      /HEALTHCHECK [\s\S]*?\n(?=CMD)/,
      'HEALTHCHECK CMD curl -fs http://127.0.0.1:3000/health || exit 1\n',
    );
    expect(dockerfileCodes(curl)).toEqual(['healthcheck-tool-missing']);
  });

  it('dev dependencies in the final stage', () => {
    expect(dockerfileCodes(edit(DOCKERFILE, 'RUN npm ci --omit=dev', 'RUN npm ci'))).toEqual([
      'dockerfile-dev-dependencies',
    ]);
  });

  it('EXPOSE that is not PORT, an unpinned or large base, and a development NODE_ENV', () => {
    expect(dockerfileCodes(edit(DOCKERFILE, 'EXPOSE 3000', 'EXPOSE 8080'))).toEqual([
      'dockerfile-expose-port',
    ]);
    expect(
      dockerfileCodes(edit(DOCKERFILE, 'FROM node:20-bookworm-slim AS build', 'FROM node AS build')),
    ).toEqual(['image-not-pinned']);
    expect(
      dockerfileCodes(
        edit(DOCKERFILE, 'FROM node:20-bookworm-slim AS runtime', 'FROM node:20-bookworm AS runtime'),
      ),
    ).toEqual(['dockerfile-large-base']);
    expect(dockerfileCodes(edit(DOCKERFILE, 'NODE_ENV=production', 'NODE_ENV=development'))).toEqual([
      'dockerfile-not-production',
    ]);
    expect(
      dockerfileCodes(edit(DOCKERFILE, 'DATA_DIR=/data', 'DATA_DIR=/data \\\n    DATADIR=/data')),
    ).toEqual(['undeclared-variable']);
  });
});

describe('the .dockerignore check', () => {
  it('names each entry that is missing, and a missing file', () => {
    expect(checkDockerignore('.git\ndist\n')).toEqual([
      expect.objectContaining({ code: 'dockerignore-missing-entry', message: 'must exclude node_modules' }),
      expect.objectContaining({ code: 'dockerignore-missing-entry', message: 'must exclude data' }),
    ]);
    expect(checkDockerignore('/node_modules/\n**/data\n.git\ndist\n')).toEqual([]);
    expect(codes(checkDockerignore(undefined))).toEqual(['dockerignore-missing']);
  });
});
