import { type Clock, type Config, loadConfig, systemClock } from '@fristvagt/config';
import {
  type ApiKeyInfo,
  InvalidApiKeyRequest,
  isApiRole,
  isKommunekode,
  type NewApiKey,
  validateNewApiKey,
} from '../../api/src/access/api-key-store';
import { isApiKeyId } from '../../api/src/access/api-key-token';
import { openApiKeyStore, type OpenedApiKeyStore } from '../../api/src/access/open-api-key-store';
import { API_ROLES } from '../../api/src/access/principal';

export const KEYS_USAGE = `  fristvagt keys create --municipality <code|'*'> [--municipality <code> ...] --role <role> [--label <text>]
  fristvagt keys list
  fristvagt keys revoke <keyId>`;

export interface KeysIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The environment that chooses the key store, read exactly as the server reads it. */
  readonly env: NodeJS.ProcessEnv;
  /** Default: the system clock. */
  readonly clock?: Clock;
  /** Default: openApiKeyStore (the event store on DATABASE_URL / EVENTSTORE_URL, else DATA_DIR/api-keys.json). */
  readonly open?: (config: Config) => Promise<OpenedApiKeyStore>;
}

class KeysUsageError extends Error {}

/**
 * `fristvagt keys ...`: issue, list and revoke API keys in the store the server uses. Exit code 0 ok,
 * 2 usage error, 1 failure. The token is printed once, by `create`; nothing prints a hash.
 */
export async function runKeys(args: readonly string[], io: KeysIo): Promise<number> {
  let run: (opened: OpenedApiKeyStore) => Promise<void>;
  try {
    run = parseKeysCommand(args, io);
  } catch (error) {
    if (!(error instanceof KeysUsageError)) throw error;
    io.stderr(`${error.message}\n\nUsage:\n${KEYS_USAGE}\n`);
    return 2;
  }

  let opened: OpenedApiKeyStore | undefined;
  try {
    const config = loadConfig(io.env);
    opened = await (io.open ?? openApiKeyStore)(config);
    await run(opened);
    return 0;
  } catch (error) {
    // Configuration errors name the variable, store errors the store; neither holds a secret.
    io.stderr(`keys: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await opened?.close().catch((error: unknown) => {
      io.stderr(
        `keys: closing the store failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    });
  }
}

function parseKeysCommand(args: readonly string[], io: KeysIo): (opened: OpenedApiKeyStore) => Promise<void> {
  const json = (value: unknown) => io.stdout(`${JSON.stringify(value, null, 2)}\n`);
  const now = () => (io.clock ?? systemClock).now();
  const [command, ...rest] = args;
  switch (command) {
    case 'create': {
      const options = parseCreateOptions(rest);
      return async ({ store, location }) => {
        const { token, record } = await store.create(options, now());
        json({ token, ...record });
        io.stderr(
          `API key ${record.keyId} stored in ${location}. The token cannot be shown again: keep it now.\n`,
        );
      };
    }
    case 'list':
      if (rest.length > 0) throw new KeysUsageError(`keys list takes no arguments, got ${rest[0]}`);
      return async ({ store }) => json((await store.list()).map(publicView));
    case 'revoke': {
      const [keyId, ...extra] = rest;
      if (keyId === undefined) throw new KeysUsageError('keys revoke needs a keyId (see keys list)');
      if (extra.length > 0) throw new KeysUsageError(`keys revoke takes one keyId, got also ${extra[0]}`);
      if (!isApiKeyId(keyId)) throw new KeysUsageError('keyId must be the 12 letters and digits after fv_');
      return async ({ store }) => json(publicView(await store.revoke(keyId, now())));
    }
    default:
      throw new KeysUsageError(
        command === undefined
          ? 'keys needs a command: create, list or revoke'
          : `Unknown keys command: ${command}`,
      );
  }
}

function parseCreateOptions(args: readonly string[]): NewApiKey {
  const codes: string[] = [];
  let role: string | undefined;
  let label: string | undefined;
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i]!;
    const value = args[i + 1];
    if (!['--municipality', '--role', '--label'].includes(name))
      throw new KeysUsageError(`Unknown argument: ${name}`);
    if (value === undefined || value.startsWith('--')) throw new KeysUsageError(`${name} needs a value`);
    if (name === '--municipality') codes.push(...value.split(',').map((code) => code.trim()));
    else if (name === '--role') {
      if (role !== undefined) throw new KeysUsageError('--role may be given once');
      role = value;
    } else label = value;
  }
  if (role === undefined) throw new KeysUsageError(`keys create needs --role (${API_ROLES.join(', ')})`);
  if (!isApiRole(role))
    throw new KeysUsageError(`--role must be one of ${API_ROLES.join(', ')}, got "${role}"`);
  if (codes.length === 0) {
    throw new KeysUsageError("keys create needs --municipality <three-digit kommunekode> (or '*' for all)");
  }
  if (codes.includes('*') && codes.length > 1) {
    throw new KeysUsageError("--municipality '*' means every municipality and cannot be combined with codes");
  }
  const bad = codes.find((code) => code !== '*' && !isKommunekode(code));
  if (bad !== undefined) {
    throw new KeysUsageError(`--municipality must be a three-digit kommunekode or '*', got "${bad}"`);
  }
  try {
    return validateNewApiKey({
      role,
      municipalities: codes.includes('*') ? '*' : codes,
      label: label ?? null,
    });
  } catch (error) {
    if (!(error instanceof InvalidApiKeyRequest)) throw error;
    // Role and municipalities were checked above with the options' names; what is left is the label.
    throw new KeysUsageError(`--${error.message}`);
  }
}

/** Field order for people reading the output; the info never holds a hash or a token. */
function publicView(info: ApiKeyInfo): ApiKeyInfo {
  return {
    keyId: info.keyId,
    role: info.role,
    municipalities: info.municipalities,
    label: info.label,
    createdAt: info.createdAt,
    revokedAt: info.revokedAt,
  };
}
