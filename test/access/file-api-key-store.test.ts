import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKeyNotFound } from '../../apps/api/src/access/api-key-store';
import { parseApiKeyToken } from '../../apps/api/src/access/api-key-token';
import { FileApiKeyStore } from '../../apps/api/src/access/file-api-key-store';

describe('FileApiKeyStore (embedded mode, DATA_DIR/api-keys.json)', () => {
  let dataDir: string;
  let file: string;
  const now = new Date('2026-03-02T10:00:00.000Z');
  const later = new Date('2026-03-03T10:00:00.000Z');

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'fristvagt-key-file-'));
    file = join(dataDir, 'api-keys.json');
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('knows no keys before the file exists', async () => {
    const keys = FileApiKeyStore.inDataDir(dataDir);
    expect(await keys.list()).toEqual([]);
    expect(await keys.verify(`fv_AAAAAAAAAAAA_${'A'.repeat(43)}`)).toBeUndefined();
  });

  it('writes the file 0600 with the hash only, and leaves no temporary or lock file behind', async () => {
    const { token } = await FileApiKeyStore.inDataDir(dataDir).create(
      { role: 'integration', municipalities: ['461'], label: 'Sag system X' },
      now,
    );
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dataDir)).toEqual(['api-keys.json']);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(parseApiKeyToken(token)!.secret);
    expect(JSON.parse(text)).toEqual({
      version: 1,
      keys: [
        {
          keyId: parseApiKeyToken(token)!.keyId,
          secretHash: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
          role: 'integration',
          municipalities: ['461'],
          label: 'Sag system X',
          createdAt: now.toISOString(),
          revokedAt: null,
        },
      ],
    });
  });

  it("sees a key the CLI's store instance created, and its revocation, on the next request", async () => {
    const server = FileApiKeyStore.inDataDir(dataDir);
    const cli = FileApiKeyStore.inDataDir(dataDir);
    expect(await server.list()).toEqual([]);

    const { token, record } = await cli.create({ role: 'supervisor', municipalities: ['101', '461'] }, now);
    expect(await server.verify(token)).toEqual({
      keyId: record.keyId,
      role: 'supervisor',
      municipalities: ['101', '461'],
    });

    await cli.revoke(record.keyId, later);
    expect(await server.verify(token)).toBeUndefined();
    expect(await server.list()).toEqual([{ ...record, revokedAt: later.toISOString() }]);
  });

  it('keeps every key when several processes create keys at the same time', async () => {
    const stores = Array.from({ length: 8 }, () => FileApiKeyStore.inDataDir(dataDir));
    const issued = await Promise.all(
      stores.flatMap((keys) => [
        keys.create({ role: 'integration', municipalities: ['461'] }, now),
        keys.create({ role: 'auditor', municipalities: '*' }, now),
      ]),
    );
    const reader = FileApiKeyStore.inDataDir(dataDir);
    expect((await reader.list()).map((key) => key.keyId).sort()).toEqual(
      issued.map(({ record }) => record.keyId).sort(),
    );
    for (const { token } of issued) expect(await reader.verify(token)).toBeDefined();
    // Sixteen locked, fsynced writes in a row: seconds on a busy CI disk, which is not what this tests.
  }, 30_000);

  it('revokes idempotently and refuses an unknown key id', async () => {
    const keys = FileApiKeyStore.inDataDir(dataDir);
    const { record } = await keys.create({ role: 'admin', municipalities: ['851'] }, now);
    await keys.revoke(record.keyId, later);
    expect((await keys.revoke(record.keyId, new Date('2027-01-01T00:00:00Z'))).revokedAt).toBe(
      later.toISOString(),
    );
    await expect(keys.revoke('QQQQQQQQQQQQ', now)).rejects.toBeInstanceOf(ApiKeyNotFound);
  });

  it('breaks a lock left by a crashed process', async () => {
    const lock = `${file}.lock`;
    await writeFile(lock, '');
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    await FileApiKeyStore.inDataDir(dataDir).create({ role: 'admin', municipalities: ['461'] }, now);
    expect(await readdir(dataDir)).toEqual(['api-keys.json']);
  });

  it('gives up on a lock another process holds, naming the lock file', async () => {
    await writeFile(`${file}.lock`, '');
    const keys = FileApiKeyStore.inDataDir(dataDir, { lockTimeoutMs: 100 });
    await expect(keys.create({ role: 'admin', municipalities: ['461'] }, now)).rejects.toThrow(
      `${file}.lock is held by another process`,
    );
  });

  it('refuses a damaged file instead of treating it as empty', async () => {
    await writeFile(file, '{"version":1,"keys":[{"keyId":"x"}]}');
    await expect(
      FileApiKeyStore.inDataDir(dataDir).verify(`fv_AAAAAAAAAAAA_${'A'.repeat(43)}`),
    ).rejects.toThrow(`${file} is not an API key file of version 1`);
    await writeFile(file, 'not json');
    await expect(FileApiKeyStore.inDataDir(dataDir).list()).rejects.toThrow(`${file} is not valid JSON`);
  });
});
