import { Client } from 'pg';

/** The server the benchmarks use: DATABASE_URL's, or the local default. */
export const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Runs one statement on ADMIN_URL's database (CREATE or DROP DATABASE, a setting) and returns its rows. */
export async function admin(sql: string): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

/** ADMIN_URL's server with another database. */
export function databaseUrl(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}
