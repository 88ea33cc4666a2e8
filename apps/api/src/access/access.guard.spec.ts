import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { createLogger, LOGGER } from '@fristvagt/logging';
import { ProblemDetailsFilter } from '../problems/problem-details.filter';
import { AccessGuard } from './access.guard';
import { API_KEY_STORE } from './api-key-store';
import { FileApiKeyStore } from './file-api-key-store';
import { CurrentPrincipal, type Principal, Public, Roles } from './principal';

@Controller('cases')
@Roles('integration', 'admin')
class CasesController {
  @Get()
  list(@CurrentPrincipal() principal: Principal) {
    return { principal };
  }

  @Get('audit')
  @Roles('auditor')
  audit() {
    return { ok: true };
  }
}

@Controller()
class OpenController {
  @Get('open')
  @Public()
  open() {
    return { ok: true };
  }

  @Get('any-role')
  anyRole(@CurrentPrincipal() principal: Principal) {
    return { role: principal.role };
  }
}

describe('AccessGuard', () => {
  let dataDir: string;
  let keys: FileApiKeyStore;
  let app: INestApplication;
  const now = new Date('2026-01-05T09:00:00.000Z');

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'fristvagt-guard-'));
    keys = FileApiKeyStore.inDataDir(dataDir);
    const module = await Test.createTestingModule({
      controllers: [CasesController, OpenController],
      providers: [
        { provide: API_KEY_STORE, useValue: keys },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: LOGGER, useValue: createLogger({ level: 'silent' }) },
      ],
    }).compile();
    app = module.createNestApplication({ logger: false });
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const get = (path: string, token?: string) => {
    const call = request(app.getHttpServer()).get(path);
    return token === undefined ? call : call.set('Authorization', `Bearer ${token}`);
  };

  it('lets anyone reach a @Public() route', async () => {
    await get('/open').expect(200, { ok: true });
  });

  it('answers 401 unauthenticated with WWW-Authenticate: Bearer when no key is sent', async () => {
    const response = await get('/cases').expect(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 401, code: 'unauthenticated' });
  });

  it('answers 401 unauthenticated for another scheme', async () => {
    const response = await request(app.getHttpServer())
      .get('/cases')
      .set('Authorization', 'Basic dXNlcjpwYXNz')
      .expect(401);
    expect(response.body.code).toBe('unauthenticated');
  });

  it.each([
    ['a malformed key', 'not-a-key'],
    ['an unknown key', `fv_AAAAAAAAAAAA_${'A'.repeat(43)}`],
  ])('answers 401 invalid-api-key for %s, without echoing it', async (_what, token) => {
    const response = await get('/cases', token).expect(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.body.code).toBe('invalid-api-key');
    expect(JSON.stringify(response.body)).not.toContain(token);
  });

  it('answers 401 for a known key id with a wrong secret', async () => {
    const { token } = await keys.create({ role: 'integration', municipalities: ['461'] }, now);
    const wrong = `${token.slice(0, -4)}${token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    expect((await get('/cases', wrong).expect(401)).body.code).toBe('invalid-api-key');
  });

  it('lets a key with an allowed role in and sets the principal', async () => {
    const { token, record } = await keys.create({ role: 'integration', municipalities: ['461', '101'] }, now);
    const response = await get('/cases', token).expect(200);
    expect(response.body.principal).toEqual({
      keyId: record.keyId,
      role: 'integration',
      municipalities: ['461', '101'],
    });
  });

  it('answers 403 forbidden-role for a role the controller does not allow', async () => {
    const { token } = await keys.create({ role: 'auditor', municipalities: '*' }, now);
    const response = await get('/cases', token).expect(403);
    expect(response.body).toMatchObject({ status: 403, code: 'forbidden-role' });
    expect(response.body.detail).toContain('auditor');
  });

  it("lets a handler's @Roles override its controller's", async () => {
    const auditor = await keys.create({ role: 'auditor', municipalities: '*' }, now);
    const integration = await keys.create({ role: 'integration', municipalities: ['461'] }, now);
    await get('/cases/audit', auditor.token).expect(200);
    await get('/cases/audit', integration.token).expect(403);
  });

  it('lets every role through a handler without @Roles, but still needs a key', async () => {
    const { token } = await keys.create({ role: 'supervisor', municipalities: ['851'] }, now);
    await get('/any-role', token).expect(200, { role: 'supervisor' });
    await get('/any-role').expect(401);
  });

  it('refuses a key once it is revoked', async () => {
    const { token, record } = await keys.create({ role: 'admin', municipalities: ['461'] }, now);
    await get('/cases', token).expect(200);
    await keys.revoke(record.keyId, now);
    expect((await get('/cases', token).expect(401)).body.code).toBe('invalid-api-key');
  });
});
