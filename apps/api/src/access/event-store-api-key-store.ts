import { randomUUID } from 'node:crypto';
import {
  type EventStore,
  type NewEvent,
  type RecordedEvent,
  StreamNotFound,
  WrongExpectedRevision,
} from '@fristvagt/event-store';
import {
  ApiKeyNotFound,
  type ApiKeyInfo,
  type ApiKeyRecord,
  type ApiKeyStore,
  type IssuedApiKey,
  type NewApiKey,
  toApiKeyInfo,
  verifyApiKeyToken,
  validateNewApiKey,
} from './api-key-store';
import { generateApiKey, isApiKeyId } from './api-key-token';
import type { ApiRole, Principal } from './principal';

export const API_KEY_STREAM_PREFIX = 'api-key-';
export const API_KEY_ISSUED = 'ApiKeyIssued';
export const API_KEY_REVOKED = 'ApiKeyRevoked';
/** One `ApiKeyListed { keyId }` per key ever issued, so that `list` reads keys, not the whole log. */
export const API_KEY_INDEX_STREAM = 'api-keys';
export const API_KEY_LISTED = 'ApiKeyListed';
/** Key streams `list` reads at once. */
const LIST_CONCURRENCY = 16;

export interface ApiKeyIssuedData {
  readonly keyId: string;
  readonly secretHash: string;
  readonly role: ApiRole;
  readonly municipalities: readonly string[] | '*';
  readonly label: string | null;
  [field: string]: unknown;
}

export interface ApiKeyRevokedData {
  readonly keyId: string;
  [field: string]: unknown;
}

/** An entry of the key index: the key exists (or was about to be issued when the process stopped). */
export type ApiKeyListedData = ApiKeyRevokedData;

export interface EventStoreApiKeyStoreOptions {
  /**
   * How long a key read from its stream is trusted before it is read again, in ms. Default 10,000: a key
   * revoked by another process (the CLI) stops working within 10 s; one revoked through this instance at once.
   */
  readonly cacheTtlMs?: number;
  /** Most keys remembered at once (unknown ids included, so guessing ids costs no extra reads). Default 10,000. */
  readonly cacheSize?: number;
  /** The events' `actor`. Default `cli`. */
  readonly actor?: string;
  /** Milliseconds for the cache. Default `performance.now`. */
  readonly clock?: () => number;
}

interface CacheEntry {
  readonly record: Promise<ApiKeyRecord | undefined>;
  readonly expiresAt: number;
}

/**
 * API keys as event streams in the event store, for PostgreSQL and EventStoreDB deployments: one stream
 * `api-key-<keyId>` per key with `ApiKeyIssued` and `ApiKeyRevoked`, so issuing and revoking are audited
 * like every other fact. Verification reads the key's stream and caches the result for `cacheTtlMs`.
 */
export class EventStoreApiKeyStore implements ApiKeyStore {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly cacheTtlMs: number;
  private readonly cacheSize: number;
  private readonly actor: string;
  private readonly clock: () => number;

  constructor(
    private readonly store: EventStore,
    options: EventStoreApiKeyStoreOptions = {},
  ) {
    this.cacheTtlMs = options.cacheTtlMs ?? 10_000;
    this.cacheSize = options.cacheSize ?? 10_000;
    this.actor = options.actor ?? 'cli';
    this.clock = options.clock ?? (() => performance.now());
  }

  async create(request: NewApiKey, now: Date): Promise<IssuedApiKey> {
    const { role, municipalities, label } = validateNewApiKey(request);
    const { keyId, secretHash, token } = generateApiKey();
    const data: ApiKeyIssuedData = { keyId, secretHash, role, municipalities, label };
    // The index first: a key is never issued without its entry. An entry whose key stream never came (the
    // process stopped in between) is skipped by `list`; the key does not exist and its token never worked.
    const listed: ApiKeyListedData = { keyId };
    await this.store.append(API_KEY_INDEX_STREAM, [this.event(API_KEY_LISTED, listed, municipalities, now)]);
    await this.store.append(streamOf(keyId), [this.event(API_KEY_ISSUED, data, municipalities, now)], {
      expectedRevision: 'no_stream',
    });
    this.cache.delete(keyId);
    const record: ApiKeyRecord = { ...data, createdAt: now.toISOString(), revokedAt: null };
    return { token, record: toApiKeyInfo(record) };
  }

  async revoke(keyId: string, now: Date): Promise<ApiKeyInfo> {
    // A concurrent revocation moves the stream on; read again and find it revoked.
    for (let attempt = 1; ; attempt++) {
      const events = isApiKeyId(keyId) ? await this.readKey(keyId) : undefined;
      const record = events === undefined ? undefined : foldApiKey(events);
      if (events === undefined || record === undefined) throw new ApiKeyNotFound(keyId);
      if (record.revokedAt !== null) return toApiKeyInfo(record);
      const data: ApiKeyRevokedData = { keyId };
      try {
        await this.store.append(
          streamOf(keyId),
          [this.event(API_KEY_REVOKED, data, record.municipalities, now)],
          { expectedRevision: events[events.length - 1]!.revision },
        );
      } catch (error) {
        if (error instanceof WrongExpectedRevision && attempt < 3) continue;
        throw error;
      }
      this.cache.delete(keyId);
      return toApiKeyInfo({ ...record, revokedAt: now.toISOString() });
    }
  }

  /**
   * Every key ever issued, revoked ones too: the index stream names them, and each key's own stream says
   * what it is now. Reads as many streams as there are keys, not the global log, and sees a key as soon as
   * it is issued.
   */
  async list(): Promise<ApiKeyInfo[]> {
    let index: RecordedEvent[];
    try {
      index = await this.store.readStream(API_KEY_INDEX_STREAM);
    } catch (error) {
      if (error instanceof StreamNotFound) return [];
      throw error;
    }
    const keyIds = [
      ...new Set(
        index
          .filter((event) => event.type === API_KEY_LISTED)
          .map((event) => (event.data as ApiKeyListedData).keyId)
          .filter(isApiKeyId),
      ),
    ];
    const records: ApiKeyRecord[] = [];
    for (let i = 0; i < keyIds.length; i += LIST_CONCURRENCY) {
      const batch = await Promise.all(keyIds.slice(i, i + LIST_CONCURRENCY).map((id) => this.readKey(id)));
      for (const events of batch) {
        const record = events === undefined ? undefined : foldApiKey(events);
        if (record !== undefined) records.push(record);
      }
    }
    return records
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.keyId.localeCompare(b.keyId))
      .map(toApiKeyInfo);
  }

  async verify(token: string): Promise<Principal | undefined> {
    return verifyApiKeyToken(token, (keyId) => this.cachedRecord(keyId));
  }

  async find(keyId: string): Promise<ApiKeyInfo | undefined> {
    if (!isApiKeyId(keyId)) return undefined;
    const record = await this.cachedRecord(keyId);
    return record === undefined ? undefined : toApiKeyInfo(record);
  }

  private cachedRecord(keyId: string): Promise<ApiKeyRecord | undefined> {
    const now = this.clock();
    const cached = this.cache.get(keyId);
    if (cached !== undefined && now < cached.expiresAt) return cached.record;
    this.cache.delete(keyId);
    // The promise itself is cached, so concurrent requests with one key share a single read.
    const record = this.readKey(keyId).then((events) =>
      events === undefined ? undefined : foldApiKey(events),
    );
    record.catch(() => this.cache.delete(keyId));
    if (this.cache.size >= this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(keyId, { record, expiresAt: now + this.cacheTtlMs });
    return record;
  }

  private async readKey(keyId: string): Promise<RecordedEvent[] | undefined> {
    try {
      return await this.store.readStream(streamOf(keyId));
    } catch (error) {
      if (error instanceof StreamNotFound) return undefined;
      throw error;
    }
  }

  private event(
    type: string,
    data: ApiKeyIssuedData | ApiKeyRevokedData | ApiKeyListedData,
    municipalities: readonly string[] | '*',
    now: Date,
  ): NewEvent {
    return {
      id: randomUUID(),
      type,
      data,
      metadata: {
        // A key is no case of any one municipality; its first one (or 000 for all) files it somewhere stable.
        municipality: municipalities === '*' ? '000' : municipalities[0]!,
        actor: this.actor,
        occurredAt: now.toISOString(),
        correlationId: randomUUID(),
        causationId: null,
        schemaVersion: 1,
      },
    };
  }
}

function streamOf(keyId: string): string {
  return `${API_KEY_STREAM_PREFIX}${keyId}`;
}

/** The key as its events leave it; undefined for a stream without ApiKeyIssued. */
export function foldApiKey(events: readonly RecordedEvent[]): ApiKeyRecord | undefined {
  let record: ApiKeyRecord | undefined;
  for (const event of events) {
    if (event.type === API_KEY_ISSUED) {
      const data = event.data as ApiKeyIssuedData;
      record = {
        keyId: data.keyId,
        secretHash: data.secretHash,
        role: data.role,
        municipalities: data.municipalities,
        label: data.label ?? null,
        createdAt: event.metadata.occurredAt,
        revokedAt: null,
      };
    } else if (event.type === API_KEY_REVOKED && record !== undefined && record.revokedAt === null) {
      record = { ...record, revokedAt: event.metadata.occurredAt };
    }
  }
  return record;
}
