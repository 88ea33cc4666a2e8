#!/usr/bin/env node
// The test suite runs against a real PostgreSQL. Say which service is missing, and where, before jest starts.
const { Client } = require('pg');

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const where = (() => {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}`;
  } catch {
    return '(DATABASE_URL is not a URL)';
  }
})();

(async () => {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    console.error(
      `Tests need PostgreSQL, which is not reachable at ${where} (${error.code ?? error.message}).\n` +
        'Start it (e.g. pg_ctlcluster <version> main start) or set DATABASE_URL to a server the tests may create databases on.',
    );
    process.exit(1);
  } finally {
    await client.end().catch(() => undefined);
  }
})();
