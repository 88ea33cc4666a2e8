import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ApiKeyNotFound,
  type ApiKeyInfo,
  type ApiKeyRecord,
  type ApiKeyStore,
  type IssuedApiKey,
  isApiRole,
  isKommunekode,
  type NewApiKey,
  toApiKeyInfo,
  verifyApiKeyToken,
  validateNewApiKey,
} from './api-key-store';
import { generateApiKey, isApiKeyId } from './api-key-token';
import type { Principal } from './principal';

/** The key file of embedded mode, relative to DATA_DIR. */
export const API_KEYS_FILE = 'api-keys.json';

interface ApiKeysFile {
  readonly version: 1;
  readonly keys: readonly ApiKeyRecord[];
}

export interface FileApiKeyStoreOptions {
  /** How long a writer waits for another process's lock before giving up, in ms. Default 10,000. */
  readonly lockTimeoutMs?: number;
  /** A lock older than this is left over from a crashed process and is broken, in ms. Default 30,000. */
  readonly staleLockMs?: number;
}

/**
 * API keys in one JSON file, for embedded mode: PGlite admits a single process, and the server holds it
 * open, so the CLI cannot write keys into the event store while the server runs. The file (mode 0600) is
 * replaced atomically (a temporary file renamed over it) under a lock file, so a reader never sees half a
 * file and two writers never lose each other's keys; a reader notices a new file by its inode, size and
 * mtime, and re-reads it, so a key created or revoked by the CLI counts on the server's next request.
 */
export class FileApiKeyStore implements ApiKeyStore {
  private cached:
    { readonly signature: string; readonly keys: ReadonlyMap<string, ApiKeyRecord> } | undefined;
  private writing: Promise<unknown> = Promise.resolve();
  private readonly lockTimeoutMs: number;
  private readonly staleLockMs: number;

  constructor(
    readonly path: string,
    options: FileApiKeyStoreOptions = {},
  ) {
    this.lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
    this.staleLockMs = options.staleLockMs ?? 30_000;
  }

  static inDataDir(dataDir: string, options?: FileApiKeyStoreOptions): FileApiKeyStore {
    return new FileApiKeyStore(join(dataDir, API_KEYS_FILE), options);
  }

  async create(request: NewApiKey, now: Date): Promise<IssuedApiKey> {
    const { role, municipalities, label } = validateNewApiKey(request);
    const { keyId, secretHash, token } = generateApiKey();
    const record: ApiKeyRecord = {
      keyId,
      secretHash,
      role,
      municipalities,
      label,
      createdAt: now.toISOString(),
      revokedAt: null,
    };
    await this.update((keys) => [...keys, record]);
    return { token, record: toApiKeyInfo(record) };
  }

  async revoke(keyId: string, now: Date): Promise<ApiKeyInfo> {
    let revoked: ApiKeyRecord | undefined;
    await this.update((keys) => {
      const found = isApiKeyId(keyId) ? keys.find((key) => key.keyId === keyId) : undefined;
      if (found === undefined) throw new ApiKeyNotFound(keyId);
      revoked = found.revokedAt === null ? { ...found, revokedAt: now.toISOString() } : found;
      return revoked === found ? undefined : keys.map((key) => (key.keyId === keyId ? revoked! : key));
    });
    return toApiKeyInfo(revoked!);
  }

  async list(): Promise<ApiKeyInfo[]> {
    return [...(await this.current()).values()].map(toApiKeyInfo);
  }

  async verify(token: string): Promise<Principal | undefined> {
    return verifyApiKeyToken(token, async (keyId) => (await this.current()).get(keyId));
  }

  async find(keyId: string): Promise<ApiKeyInfo | undefined> {
    const record = (await this.current()).get(keyId);
    return record === undefined ? undefined : toApiKeyInfo(record);
  }

  /** The keys as the file holds them now; read again only when the file was replaced or changed. */
  private async current(): Promise<ReadonlyMap<string, ApiKeyRecord>> {
    let signature: string;
    try {
      signature = signatureOf(await stat(this.path, { bigint: true }));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      return new Map();
    }
    if (this.cached?.signature === signature) return this.cached.keys;
    const read = await this.read();
    this.cached = { signature: read.signature, keys: new Map(read.keys.map((key) => [key.keyId, key])) };
    return this.cached.keys;
  }

  /** Reads content and signature from one open file, so they always belong together. */
  private async read(): Promise<{ signature: string; keys: readonly ApiKeyRecord[] }> {
    let handle: FileHandle;
    try {
      handle = await open(this.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { signature: 'none', keys: [] };
      throw error;
    }
    try {
      const signature = signatureOf(await handle.stat({ bigint: true }));
      return { signature, keys: parseKeysFile(await handle.readFile('utf8'), this.path) };
    } finally {
      await handle.close();
    }
  }

  /** Read, change and replace the file under the lock; `change` returning undefined writes nothing. */
  private update(
    change: (keys: readonly ApiKeyRecord[]) => readonly ApiKeyRecord[] | undefined,
  ): Promise<void> {
    const run = this.writing.then(() =>
      this.withLock(async () => {
        const next = change((await this.read()).keys);
        if (next !== undefined) await this.write(next);
      }),
    );
    this.writing = run.catch(() => undefined);
    return run;
  }

  private async write(keys: readonly ApiKeyRecord[]): Promise<void> {
    const file: ApiKeysFile = { version: 1, keys };
    const temporary = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(file, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temporary, this.path);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
    this.cached = undefined;
  }

  private async withLock<T>(work: () => Promise<T>): Promise<T> {
    await mkdir(dirname(this.path), { recursive: true });
    const lock = `${this.path}.lock`;
    const deadline = Date.now() + this.lockTimeoutMs;
    for (;;) {
      try {
        await (await open(lock, 'wx', 0o600)).close();
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const age = await stat(lock).then(
        (info) => Date.now() - info.mtimeMs,
        () => 0,
      );
      if (age > this.staleLockMs) {
        await unlink(lock).catch(() => undefined);
      } else if (Date.now() > deadline) {
        throw new Error(
          `${lock} is held by another process; if no fristvagt keys command is running, delete the lock file`,
        );
      } else {
        await sleep(20);
      }
    }
    try {
      return await work();
    } finally {
      await unlink(lock).catch(() => undefined);
    }
  }
}

function signatureOf(info: { ino: bigint; size: bigint; mtimeNs: bigint }): string {
  return `${info.ino}:${info.size}:${info.mtimeNs}`;
}

function parseKeysFile(text: string, path: string): ApiKeyRecord[] {
  let file: Partial<ApiKeysFile>;
  try {
    file = JSON.parse(text) as Partial<ApiKeysFile>;
  } catch {
    throw new Error(`${path} is not valid JSON`);
  }
  if (file.version !== 1 || !Array.isArray(file.keys) || !file.keys.every(isApiKeyRecord)) {
    throw new Error(`${path} is not an API key file of version 1`);
  }
  return file.keys;
}

function isApiKeyRecord(value: unknown): value is ApiKeyRecord {
  const record = value as Partial<ApiKeyRecord> | null;
  return (
    typeof record === 'object' &&
    record !== null &&
    typeof record.keyId === 'string' &&
    isApiKeyId(record.keyId) &&
    typeof record.secretHash === 'string' &&
    typeof record.role === 'string' &&
    isApiRole(record.role) &&
    (record.municipalities === '*' ||
      (Array.isArray(record.municipalities) && record.municipalities.every(isKommunekode))) &&
    (record.label === null || typeof record.label === 'string') &&
    typeof record.createdAt === 'string' &&
    (record.revokedAt === null || typeof record.revokedAt === 'string')
  );
}
