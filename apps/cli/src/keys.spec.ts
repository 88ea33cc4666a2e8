import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FixedClock } from '@fristvagt/config';
import { FileApiKeyStore } from '../../api/src/access/file-api-key-store';
import { runCli } from './cli';
import { runKeys } from './keys';

describe('fristvagt keys (embedded: the key file in DATA_DIR)', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'fristvagt-cli-keys-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  async function keys(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['keys', ...argv], {
      readStdin: async () => '',
      stdout: (text) => out.push(text),
      stderr: (text) => err.push(text),
      env: { DATA_DIR: dataDir },
    });
    return { code, stdout: out.join(''), stderr: err.join('') };
  }

  it('creates a key, printing the token once, which the server then accepts', async () => {
    const created = await keys(
      'create',
      '--municipality',
      '461',
      '--role',
      'integration',
      '--label',
      'Sag X',
    );

    expect(created.code).toBe(0);
    const output = JSON.parse(created.stdout);
    expect(output).toEqual({
      token: expect.stringMatching(/^fv_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/),
      keyId: expect.stringMatching(/^[A-Za-z0-9]{12}$/),
      role: 'integration',
      municipalities: ['461'],
      label: 'Sag X',
      createdAt: expect.any(String),
      revokedAt: null,
    });
    expect(created.stderr).toContain('cannot be shown again');

    const file = join(dataDir, 'api-keys.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const secret = output.token.split('_').slice(2).join('_');
    expect(await readFile(file, 'utf8')).not.toContain(secret);

    const server = FileApiKeyStore.inDataDir(dataDir);
    expect(await server.verify(output.token)).toEqual({
      keyId: output.keyId,
      role: 'integration',
      municipalities: ['461'],
    });
  });

  it('takes several municipalities, or * for all', async () => {
    const several = await keys(
      'create',
      '--municipality',
      '461',
      '--municipality',
      '101,851',
      '--role',
      'admin',
    );
    expect(JSON.parse(several.stdout).municipalities).toEqual(['461', '101', '851']);
    const all = await keys('create', '--municipality', '*', '--role', 'auditor');
    expect(JSON.parse(all.stdout).municipalities).toBe('*');
  });

  it('lists keys without tokens or hashes, and revokes one', async () => {
    const first = JSON.parse((await keys('create', '--municipality', '461', '--role', 'integration')).stdout);
    const second = JSON.parse((await keys('create', '--municipality', '101', '--role', 'supervisor')).stdout);

    const revoked = await keys('revoke', first.keyId);
    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ keyId: first.keyId, revokedAt: expect.any(String) });

    const listed = await keys('list');
    expect(listed.code).toBe(0);
    const list = JSON.parse(listed.stdout) as Array<Record<string, unknown>>;
    expect(list.map((key) => [key.keyId, key.revokedAt === null])).toEqual([
      [first.keyId, false],
      [second.keyId, true],
    ]);
    expect(listed.stdout).not.toContain('fv_');
    expect(listed.stdout).not.toMatch(/secretHash|token/);
    expect(await FileApiKeyStore.inDataDir(dataDir).verify(first.token)).toBeUndefined();
    expect(await FileApiKeyStore.inDataDir(dataDir).verify(second.token)).toBeDefined();
  });

  it('prints an empty list when there are no keys', async () => {
    expect(await keys('list')).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
  });

  it('fails with exit code 1 for a key id it does not know', async () => {
    const result = await keys('revoke', 'AAAAAAAAAAAA');
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toContain('No API key with id AAAAAAAAAAAA');
  });

  it('fails with exit code 1 naming the variable when the environment is invalid', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runKeys(['list'], {
      stdout: (text) => out.push(text),
      stderr: (text) => err.push(text),
      env: { DATABASE_URL: 'mysql://x' },
    });
    expect(code).toBe(1);
    expect(err.join('')).toContain('DATABASE_URL: must be a postgres://');
  });

  it('stamps createdAt and revokedAt from the clock', async () => {
    const clock = new FixedClock('2026-02-01T08:00:00.000Z');
    const io = {
      stdout: (text: string) => out.push(text),
      stderr: () => undefined,
      env: { DATA_DIR: dataDir },
      clock,
    };
    const out: string[] = [];
    await runKeys(['create', '--municipality', '461', '--role', 'admin'], io);
    const { keyId, createdAt } = JSON.parse(out.pop()!);
    clock.set('2026-02-02T08:00:00.000Z');
    await runKeys(['revoke', keyId], io);
    expect(createdAt).toBe('2026-02-01T08:00:00.000Z');
    expect(JSON.parse(out.pop()!).revokedAt).toBe('2026-02-02T08:00:00.000Z');
  });

  it.each([
    [[], 'keys needs a command'],
    [['rotate'], 'Unknown keys command: rotate'],
    [['create', '--role', 'integration'], 'keys create needs --municipality'],
    [['create', '--municipality', '461'], 'keys create needs --role'],
    [['create', '--municipality', '461', '--role', 'root'], '--role must be one of integration, supervisor'],
    [
      ['create', '--municipality', '46', '--role', 'admin'],
      '--municipality must be a three-digit kommunekode',
    ],
    [['create', '--municipality', '461,abc', '--role', 'admin'], '--municipality must be a three-digit'],
    [['create', '--municipality', '*', '--municipality', '461', '--role', 'admin'], 'cannot be combined'],
    [['create', '--municipality', '461', '--role'], '--role needs a value'],
    [['create', '--municipality', '461', '--role', 'admin', '--secret', 'x'], 'Unknown argument: --secret'],
    [['create', '--municipality', '461', '--role', 'admin', '--label', 'a\u0007b'], '--label must be'],
    [['revoke'], 'keys revoke needs a keyId'],
    [['revoke', 'fv_AAAAAAAAAAAA_x'], 'keyId must be the 12 letters and digits'],
    [['list', '--all'], 'keys list takes no arguments'],
  ])('%j exits 2 with a usage error naming the option, touching no store', async (argv, message) => {
    const result = await keys(...argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('fristvagt keys create');
    expect(result.stdout).toBe('');
    await expect(stat(join(dataDir, 'api-keys.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
