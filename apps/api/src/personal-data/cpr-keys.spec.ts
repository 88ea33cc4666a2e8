import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@fristvagt/config';
import { AesGcmCprProtector } from './aes-gcm-cpr-protector';
import { DEV_CPR_KEYS_FILE, resolveCprKeys } from './cpr-keys';

function warnings() {
  const messages: string[] = [];
  return { warn: (_fields: Record<string, unknown>, message: string) => messages.push(message), messages };
}

describe('resolveCprKeys', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'fristvagt-cpr-keys-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('uses the configured keys and warns about nothing', async () => {
    const env = {
      DATA_DIR: dataDir,
      CPR_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      CPR_LOOKUP_KEY: randomBytes(32).toString('base64'),
    };
    const config = loadConfig(env);
    const logger = warnings();
    expect(await resolveCprKeys(config, logger)).toBe(config.cpr);
    expect(logger.messages).toEqual([]);
    await expect(stat(join(dataDir, 'secrets'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('generates development keys once into DATA_DIR/secrets (0700, file 0600) and reuses them', async () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    const first = warnings();
    const keys = await resolveCprKeys(config, first);

    const path = join(dataDir, DEV_CPR_KEYS_FILE);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, 'secrets'))).mode & 0o777).toBe(0o700);
    expect(first.messages).toHaveLength(1);
    expect(first.messages[0]).toContain('DEVELOPMENT keys');
    expect(keys.encryptionKeys).toHaveLength(1);
    expect(keys.encryptionKeys[0]!.key).toHaveLength(32);

    const ciphertext = new AesGcmCprProtector(keys).protect('0707614285');
    const again = await resolveCprKeys(loadConfig({ DATA_DIR: dataDir }));
    expect(new AesGcmCprProtector(again).reveal(ciphertext)).toBe('0707614285');
    expect(again.lookupKey.equals(keys.lookupKey)).toBe(true);
  });

  it('gives processes starting together the same keys', async () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    const all = await Promise.all([1, 2, 3, 4].map(() => resolveCprKeys(config)));
    for (const keys of all) expect(keys.lookupKey.equals(all[0]!.lookupKey)).toBe(true);
  });

  it('never generates keys in production', async () => {
    const config = { ...loadConfig({ DATA_DIR: dataDir }), nodeEnv: 'production' as const };
    await expect(resolveCprKeys(config)).rejects.toThrow(ConfigError);
    await expect(stat(join(dataDir, 'secrets'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('names DATA_DIR when it cannot create the key file there', async () => {
    const notAFolder = join(dataDir, 'file');
    await writeFile(notAFolder, 'x');
    await expect(resolveCprKeys(loadConfig({ DATA_DIR: notAFolder }))).rejects.toThrow(
      `DATA_DIR: cannot read the development CPR key file ${join(notAFolder, DEV_CPR_KEYS_FILE)} (ENOTDIR)`,
    );
  });

  it('refuses a damaged key file, naming the variable and not the key', async () => {
    await mkdir(join(dataDir, 'secrets'));
    const short = randomBytes(16).toString('base64');
    await writeFile(
      join(dataDir, DEV_CPR_KEYS_FILE),
      JSON.stringify({
        CPR_ENCRYPTION_KEYS: `dev:${short}`,
        CPR_LOOKUP_KEY: randomBytes(32).toString('base64'),
      }),
    );
    const error = await resolveCprKeys(loadConfig({ DATA_DIR: dataDir })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^CPR_ENCRYPTION_KEYS: is unset, and the development key file/);
    expect((error as Error).message).not.toContain(short);
    expect(await readFile(join(dataDir, DEV_CPR_KEYS_FILE), 'utf8')).toContain(short);
  });
});
