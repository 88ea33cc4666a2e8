import { createHmac } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@fristvagt/config';
import { DEV_WEBHOOK_SIGNING_KEY_FILE, resolveWebhookSigningKey, webhookSecret } from './signing-key';
import { webhookSecretKey } from './webhook-signature';

const MASTER = Buffer.alloc(32, 0x5a);

function warnings() {
  const messages: string[] = [];
  return { warn: (_fields: Record<string, unknown>, message: string) => messages.push(message), messages };
}

describe('webhookSecret', () => {
  it('is whsec_ + base64(HMAC-SHA256(master key, "fristvagt-webhook:<subscription>:<version>"))', () => {
    const expected = createHmac('sha256', MASTER).update('fristvagt-webhook:sub-1:1').digest('base64');
    expect(webhookSecret(MASTER, 'sub-1', 1)).toBe(`whsec_${expected}`);
    expect(webhookSecretKey(webhookSecret(MASTER, 'sub-1', 1))).toHaveLength(32);
  });

  it('differs per subscription, per version and per master key, and is stable', () => {
    const secrets = [
      webhookSecret(MASTER, 'sub-1', 1),
      webhookSecret(MASTER, 'sub-1', 2),
      webhookSecret(MASTER, 'sub-2', 1),
      webhookSecret(Buffer.alloc(32, 0x5b), 'sub-1', 1),
      // The separator keeps "sub-1" version 12 apart from "sub-1:1" version 2.
      webhookSecret(MASTER, 'sub-1:1', 2),
      webhookSecret(MASTER, 'sub-1', 12),
    ];
    expect(new Set(secrets).size).toBe(secrets.length);
    expect(webhookSecret(MASTER, 'sub-1', 1)).toBe(secrets[0]);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses version %s', (version) => {
    expect(() => webhookSecret(MASTER, 'sub-1', version)).toThrow(RangeError);
  });
});

describe('resolveWebhookSigningKey', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'fristvagt-webhook-key-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('uses WEBHOOK_SIGNING_KEY and writes nothing', async () => {
    const config = loadConfig({ DATA_DIR: dataDir, WEBHOOK_SIGNING_KEY: MASTER.toString('base64') });
    const logger = warnings();
    expect((await resolveWebhookSigningKey(config, logger)).equals(MASTER)).toBe(true);
    expect(logger.messages).toEqual([]);
    await expect(stat(join(dataDir, 'secrets'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('generates a development key once into DATA_DIR/secrets (0700, file 0600) and reuses it', async () => {
    const logger = warnings();
    const key = await resolveWebhookSigningKey(loadConfig({ DATA_DIR: dataDir }), logger);
    const path = join(dataDir, DEV_WEBHOOK_SIGNING_KEY_FILE);
    expect(key).toHaveLength(32);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, 'secrets'))).mode & 0o777).toBe(0o700);
    expect((await readFile(path, 'utf8')).trim()).toBe(key.toString('base64'));
    expect(logger.messages).toEqual([expect.stringContaining('DEVELOPMENT key')]);
    expect(logger.messages[0]).not.toContain(key.toString('base64'));

    const again = await resolveWebhookSigningKey(loadConfig({ DATA_DIR: dataDir }));
    expect(again.equals(key)).toBe(true);
  });

  it('gives processes starting together the same key', async () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    const keys = await Promise.all([1, 2, 3, 4].map(() => resolveWebhookSigningKey(config)));
    for (const key of keys) expect(key.equals(keys[0]!)).toBe(true);
  });

  it('is a start-up error naming WEBHOOK_SIGNING_KEY in production, and generates nothing', async () => {
    const config = { ...loadConfig({ DATA_DIR: dataDir }), nodeEnv: 'production' as const };
    const error = await resolveWebhookSigningKey(config).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(
      /^WEBHOOK_SIGNING_KEY: is required when NODE_ENV=production/,
    );
    await expect(stat(join(dataDir, 'secrets'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a damaged key file without echoing it', async () => {
    await mkdir(join(dataDir, 'secrets'));
    const short = Buffer.alloc(16, 0x11).toString('base64');
    await writeFile(join(dataDir, DEV_WEBHOOK_SIGNING_KEY_FILE), short);
    const error = await resolveWebhookSigningKey(loadConfig({ DATA_DIR: dataDir })).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(
      /^WEBHOOK_SIGNING_KEY: is unset, and the development webhook signing key file .* got 16/,
    );
    expect((error as Error).message).not.toContain(short);
  });

  it('names DATA_DIR when it cannot create the key file there', async () => {
    const notAFolder = join(dataDir, 'file');
    await writeFile(notAFolder, 'x');
    await expect(resolveWebhookSigningKey(loadConfig({ DATA_DIR: notAFolder }))).rejects.toThrow(
      /^DATA_DIR: cannot read the development webhook signing key file .* \(ENOTDIR\)/,
    );
  });
});
