import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ConfigError, loadConfig } from '@fristvagt/config';
import { createLogger } from '@fristvagt/logging';
import { API_KEY_STORE, type ApiKeyStore } from '../../apps/api/src/access/api-key-store';
import { EventStoreApiKeyStore } from '../../apps/api/src/access/event-store-api-key-store';
import { FileApiKeyStore } from '../../apps/api/src/access/file-api-key-store';
import { CurrentPrincipal, type Principal, Roles } from '../../apps/api/src/access/principal';
import { AppModule } from '../../apps/api/src/app.module';
import { CPR_PROTECTOR, type CprProtector } from '../../apps/api/src/personal-data/cpr-protector';
import { DEV_CPR_KEYS_FILE } from '../../apps/api/src/personal-data/cpr-keys';
import { runKeys } from '../../apps/cli/src/keys';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

/** A route behind the real global guard, as a case controller would be. */
@Controller('probe')
@Roles('supervisor', 'admin')
class ProbeController {
  @Get()
  probe(@CurrentPrincipal() principal: Principal) {
    return principal;
  }
}

function logSink() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      callback();
    },
  });
  return { destination, lines };
}

/** The whole app of one environment, plus the probe route. */
async function start(env: NodeJS.ProcessEnv) {
  const logs = logSink();
  const logger = createLogger({ level: 'warn', destination: logs.destination });
  const module = await Test.createTestingModule({
    imports: [AppModule.forConfig(loadConfig(env), logger)],
    controllers: [ProbeController],
  }).compile();
  const app = module.createNestApplication({ logger: false });
  await app.init();
  return { app, logs: logs.lines };
}

async function cliCreate(
  env: NodeJS.ProcessEnv,
  ...argv: string[]
): Promise<{ token: string; keyId: string }> {
  const out: string[] = [];
  const code = await runKeys(['create', ...argv], {
    stdout: (t) => out.push(t),
    stderr: () => undefined,
    env,
  });
  expect(code).toBe(0);
  return JSON.parse(out.join(''));
}

// PGlite (WebAssembly PostgreSQL) takes a few seconds to open.
jest.setTimeout(60_000);

describe.each([
  ['embedded PGlite: keys in DATA_DIR/api-keys.json', 'pglite', FileApiKeyStore],
  ['PostgreSQL: keys in the event store', 'postgres', EventStoreApiKeyStore],
] as const)('the api on %s', (_title, adapter, expectedStore) => {
  let dataDir: string;
  let database: TestDatabase | undefined;
  let env: NodeJS.ProcessEnv;
  let app: INestApplication;
  let logs: Record<string, unknown>[];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'fristvagt-access-'));
    database = adapter === 'postgres' ? await createTestDatabase('fv_access') : undefined;
    env = { DATA_DIR: dataDir, ...(database !== undefined && { DATABASE_URL: database.url }) };
    ({ app, logs } = await start(env));
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const probe = (token?: string) => {
    const call = request(app.getHttpServer()).get('/probe');
    return token === undefined ? call : call.set('Authorization', `Bearer ${token}`);
  };

  it('keeps /health public and guards every other route', async () => {
    await request(app.getHttpServer()).get('/health').expect(200);
    const response = await probe().expect(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.body.code).toBe('unauthenticated');
  });

  it(`provides API_KEY_STORE as ${expectedStore.name}; a key made with it opens the door`, async () => {
    const keys = app.get<ApiKeyStore>(API_KEY_STORE);
    expect(keys).toBeInstanceOf(expectedStore);
    const { token, record } = await keys.create({ role: 'supervisor', municipalities: ['461'] }, new Date());
    expect((await probe(token).expect(200)).body).toEqual({
      keyId: record.keyId,
      role: 'supervisor',
      municipalities: ['461'],
    });
  });

  it('accepts a key the CLI created while the server runs, and answers 403 for a wrong role', async () => {
    const admin = await cliCreate(env, '--municipality', '*', '--role', 'admin');
    await probe(admin.token).expect(200);
    const integration = await cliCreate(env, '--municipality', '461', '--role', 'integration');
    expect((await probe(integration.token).expect(403)).body.code).toBe('forbidden-role');
  });

  it('provides CPR_PROTECTOR on development keys in DATA_DIR/secrets, with one warning', async () => {
    const cpr = app.get<CprProtector>(CPR_PROTECTOR);
    expect(cpr.reveal(cpr.protect('0707614285'))).toBe('0707614285');
    expect((await stat(join(dataDir, DEV_CPR_KEYS_FILE))).mode & 0o777).toBe(0o600);
    const warnings = logs.filter((line) => String(line.msg).includes('DEVELOPMENT keys'));
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(logs)).not.toMatch(/fv_[A-Za-z0-9]{12}_/);
  });
});

describe('CPR keys in production', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'fristvagt-access-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses to start without CPR_ENCRYPTION_KEYS and CPR_LOOKUP_KEY', () => {
    expect(() => loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'production' })).toThrow(/^CPR_ENCRYPTION_KEYS: /);
  });

  it('uses the configured keys and writes no development keys', async () => {
    const encryptionKey = randomBytes(32).toString('base64');
    const { app, logs } = await start({
      DATA_DIR: dataDir,
      NODE_ENV: 'production',
      CPR_ENCRYPTION_KEYS: `prod1:${encryptionKey}`,
      CPR_LOOKUP_KEY: randomBytes(32).toString('base64'),
      WEBHOOK_SIGNING_KEY: randomBytes(32).toString('base64'),
      CHECKPOINT_SIGNING_KEY: randomBytes(32).toString('base64'),
    });
    try {
      const cpr = app.get<CprProtector>(CPR_PROTECTOR);
      expect(cpr.protect('0707614285').cprCiphertext).toMatch(/^v1\.prod1\./);
      await expect(stat(join(dataDir, 'secrets'))).rejects.toMatchObject({ code: 'ENOENT' });
      expect(logs.filter((line) => String(line.msg).includes('DEVELOPMENT'))).toEqual([]);
      expect(JSON.stringify(logs)).not.toContain(encryptionKey);
    } finally {
      await app.close();
    }
  });
});
