import type { ApiRole } from '../access/principal';
import type { ReadModelDatabase } from '@fristvagt/projections';

/** The sessions' own schema in the read-model database (PostgreSQL or the embedded PGlite). */
export const SESSION_SCHEMA = 'web';
const TABLE = `${SESSION_SCHEMA}.sessions`;

/** Serialises the creation of the table across processes starting at once ("fvwebses" as a number). */
const ENSURE_LOCK_KEY = 4_611_686_018_427_388_301n;

const ENSURE_SQL = `
CREATE SCHEMA IF NOT EXISTS ${SESSION_SCHEMA};
CREATE TABLE IF NOT EXISTS ${TABLE} (
  token_hash      text        PRIMARY KEY,
  key_id          text        NOT NULL,
  role            text        NOT NULL,
  municipalities  jsonb       NOT NULL,
  csrf_token_hash text        NOT NULL,
  created_at      timestamptz NOT NULL,
  last_seen_at    timestamptz NOT NULL,
  expires_at      timestamptz NOT NULL,
  revoked_at      timestamptz
);
CREATE INDEX IF NOT EXISTS sessions_key_id ON ${TABLE} (key_id);
CREATE INDEX IF NOT EXISTS sessions_expires_at ON ${TABLE} (expires_at);
`;

/** One session as stored: hashes of its secrets, never the secrets. */
export interface SessionRow {
  /** SHA-256 of the cookie's value, base64url. */
  readonly tokenHash: string;
  readonly keyId: string;
  readonly role: ApiRole;
  readonly municipalities: readonly string[] | '*';
  /** SHA-256 of the CSRF token, base64url. */
  readonly csrfTokenHash: string;
  readonly createdAt: Date;
  /** The last recorded use, to the minute: the idle timeout counts from here. */
  readonly lastSeenAt: Date;
  /** The absolute end: sign-in plus SESSION_MAX_AGE. */
  readonly expiresAt: Date;
  /** Signed out, or its key found revoked. */
  readonly revokedAt: Date | null;
}

/**
 * Web sessions in the table `web.sessions` of the read-model database, which every api process shares (PGlite
 * in the embedded mode, which is one process). Plain SQL that both run; nothing here decides whether a
 * session is live (see SessionService).
 */
export class SqlSessionStore {
  constructor(private readonly db: ReadModelDatabase) {}

  /** Creates the schema and table if they are missing; safe to run from several processes at once. */
  async ensure(): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${ENSURE_LOCK_KEY})`);
      await tx.exec(ENSURE_SQL);
    });
  }

  async insert(row: SessionRow): Promise<void> {
    await this.db.query(
      `INSERT INTO ${TABLE} (token_hash, key_id, role, municipalities, csrf_token_hash, created_at,
                             last_seen_at, expires_at, revoked_at)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9)`,
      [
        row.tokenHash,
        row.keyId,
        row.role,
        JSON.stringify(row.municipalities),
        row.csrfTokenHash,
        row.createdAt.toISOString(),
        row.lastSeenAt.toISOString(),
        row.expiresAt.toISOString(),
        row.revokedAt?.toISOString() ?? null,
      ],
    );
  }

  async find(tokenHash: string): Promise<SessionRow | undefined> {
    const rows = await this.db.query(
      `SELECT token_hash, key_id, role, municipalities, csrf_token_hash, created_at, last_seen_at, expires_at,
              revoked_at
         FROM ${TABLE} WHERE token_hash = $1`,
      [tokenHash],
    );
    const [row] = rows;
    if (row === undefined) return undefined;
    const [hash, keyId, role, municipalities, csrfHash, created, lastSeen, expires, revoked] = row;
    return {
      tokenHash: String(hash),
      keyId: String(keyId),
      role: String(role) as ApiRole,
      municipalities: (typeof municipalities === 'string' ? JSON.parse(municipalities) : municipalities) as
        readonly string[] | '*',
      csrfTokenHash: String(csrfHash),
      createdAt: instant(created),
      lastSeenAt: instant(lastSeen),
      expiresAt: instant(expires),
      revokedAt: revoked === null ? null : instant(revoked),
    };
  }

  /** Records a use at `at`, unless a later one is recorded already or the session has ended. */
  async touch(tokenHash: string, at: Date): Promise<void> {
    await this.db.query(
      `UPDATE ${TABLE} SET last_seen_at = $2
        WHERE token_hash = $1 AND revoked_at IS NULL AND last_seen_at < $2`,
      [tokenHash, at.toISOString()],
    );
  }

  async revoke(tokenHash: string, at: Date): Promise<void> {
    await this.db.query(`UPDATE ${TABLE} SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL`, [
      tokenHash,
      at.toISOString(),
    ]);
  }

  /** Ends every session of an API key (found revoked). */
  async revokeKey(keyId: string, at: Date): Promise<void> {
    await this.db.query(`UPDATE ${TABLE} SET revoked_at = $2 WHERE key_id = $1 AND revoked_at IS NULL`, [
      keyId,
      at.toISOString(),
    ]);
  }

  /** Deletes the sessions that have ended by `now`; how many. */
  async purge(now: Date, idleTimeoutMs: number): Promise<number> {
    const rows = await this.db.query(
      `WITH ended AS (
         DELETE FROM ${TABLE}
          WHERE revoked_at IS NOT NULL OR expires_at <= $1 OR last_seen_at <= $2
          RETURNING 1)
       SELECT count(*) FROM ended`,
      [now.toISOString(), new Date(now.getTime() - idleTimeoutMs).toISOString()],
    );
    return Number(rows[0]?.[0] ?? 0);
  }
}

/** pg and PGlite both read timestamptz as a Date; anything else is parsed. */
function instant(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}
