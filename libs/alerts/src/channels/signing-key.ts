import { createHmac, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { type Config, ConfigError, parseWebhookSigningKey, readOrCreateSecret } from '@fristvagt/config';
import { WEBHOOK_SECRET_PREFIX } from './webhook-signature';

/** Where the development master key is kept, relative to DATA_DIR. */
export const DEV_WEBHOOK_SIGNING_KEY_FILE = join('secrets', 'webhook-signing-key');

/**
 * The webhook secret of one subscription, derived from the master key so that no secret is stored in an
 * event: `whsec_` + base64(HMAC-SHA256(masterKey, 'fristvagt-webhook:<subscriptionId>:<version>')). Rotating
 * a subscription's secret is moving to the next version; during the overlap both versions sign.
 */
export function webhookSecret(masterKey: Buffer, subscriptionId: string, version: number): string {
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new RangeError(`a webhook secret version is a whole number from 1, got ${version}`);
  }
  const key = createHmac('sha256', masterKey)
    .update(`fristvagt-webhook:${subscriptionId}:${version}`)
    .digest('base64');
  return `${WEBHOOK_SECRET_PREFIX}${key}`;
}

export interface SigningKeyWarning {
  warn(fields: Record<string, unknown>, message: string): void;
}

/**
 * The master key of this process: WEBHOOK_SIGNING_KEY when set; otherwise, outside production, a development
 * key generated the first time into DATA_DIR/secrets/webhook-signing-key (folder 0700, file 0600) and read from
 * there on every later start, so receivers keep verifying across restarts. In production an unset key is a
 * start-up error naming WEBHOOK_SIGNING_KEY: a generated key would change every secret with the machine.
 */
export async function resolveWebhookSigningKey(config: Config, logger?: SigningKeyWarning): Promise<Buffer> {
  if (config.alerts.webhookSigningKey !== undefined) return config.alerts.webhookSigningKey;
  if (config.nodeEnv === 'production') {
    throw new ConfigError([
      {
        variable: 'WEBHOOK_SIGNING_KEY',
        message: 'is required when NODE_ENV=production (`openssl rand -base64 32` makes one)',
      },
    ]);
  }
  const path = join(config.dataDir, DEV_WEBHOOK_SIGNING_KEY_FILE);
  const key = await readOrCreateSecret({
    path,
    variable: 'WEBHOOK_SIGNING_KEY',
    kind: 'development webhook signing key',
    generate: () => `${randomBytes(32).toString('base64')}\n`,
    parse: parseWebhookSigningKey,
  });
  logger?.warn(
    { path },
    'WEBHOOK_SIGNING_KEY is unset: webhooks are signed with secrets derived from a DEVELOPMENT key kept in ' +
      `${path}. Set WEBHOOK_SIGNING_KEY before giving a secret to a real receiver (NODE_ENV=production requires it).`,
  );
  return key;
}
