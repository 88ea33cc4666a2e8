import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INTERNAL_TOOLING_VARIABLES, TOOLING_VARIABLES, VARIABLES } from '@fristvagt/config';
import { renderBackends, renderConfiguration } from './generate-configuration-docs';

const ROOT = join(__dirname, '..');

/** Every variable the sources read from process.env (dotted or bracketed), with the first file that reads it. */
function environmentReads(): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(path);
      } else if (/\.(ts|tsx|js|mjs)$/.test(entry.name)) {
        const text = readFileSync(join(ROOT, path), 'utf8');
        for (const match of text.matchAll(/process\.env(?:\.|\[['"])([A-Z][A-Z0-9_]*)/g)) {
          if (!found.has(match[1])) found.set(match[1], path);
        }
      }
    }
  };
  for (const dir of ['apps', 'libs', 'scripts', 'bench', 'test']) walk(dir);
  return found;
}

describe('docs/configuration.md', () => {
  it('is exactly what the configuration schema renders', () => {
    const committed = readFileSync(join(__dirname, '..', 'docs', 'configuration.md'), 'utf8');
    if (committed !== renderConfiguration()) {
      throw new Error(
        'docs/configuration.md differs from libs/config/src/variables.ts: run `npm run docs:config` and commit the result',
      );
    }
  });

  it('lists every variable with its default, readers and meaning, and production requirements', () => {
    const text = renderConfiguration();
    for (const v of VARIABLES) expect(text).toContain(`| \`${v.name}\``);
    expect(text).toContain(
      '| `REDIS_URL` (secret) | unset | `worker` | Wake-ups in BullMQ on this Redis (refused unless its `maxmemory-policy` is `noeviction`).',
    );
    expect(text).toContain('- `CHECKPOINT_SIGNING_KEY`: `worker`');
    expect(text).toContain('- `CPR_LOOKUP_KEY`: `api`, `worker`, `cli`');
    expect(text).toContain('## Tests, benchmarks and build');
  });

  it('says which backend each combination chooses, as loadConfig decides it', () => {
    expect(renderBackends()).toEqual([
      '| set | events | read models (schema `read_models`) | wake-ups |',
      '| --- | --- | --- | --- |',
      '| nothing (`npm start`) | PGlite in `DATA_DIR` | the same PGlite | timers in the process (one process only) |',
      '| `DATABASE_URL` | PostgreSQL | PostgreSQL (`DATABASE_URL`) | BullMQ on PostgreSQL (schema `fristvagt_bullmq`) |',
      '| `DATABASE_URL` and `REDIS_URL` | PostgreSQL | PostgreSQL (`DATABASE_URL`) | BullMQ on Redis |',
      '| `EVENTSTORE_URL` | EventStoreDB | PGlite in `DATA_DIR/read-models` | timers in the process (one process only) |',
      '| `EVENTSTORE_URL` and `DATABASE_URL` | EventStoreDB | PostgreSQL (`DATABASE_URL`) | BullMQ on PostgreSQL (schema `fristvagt_bullmq`) |',
      '| `EVENTSTORE_URL`, `DATABASE_URL` and `REDIS_URL` | EventStoreDB | PostgreSQL (`DATABASE_URL`) | BullMQ on Redis |',
    ]);
  });

  it('covers every variable the sources read from process.env (service, tooling, or internal to a test)', () => {
    const known = new Set<string>([
      ...VARIABLES.map((v) => v.name),
      ...TOOLING_VARIABLES.map((v) => v.name),
      ...INTERNAL_TOOLING_VARIABLES,
    ]);
    const unknown = [...environmentReads()].filter(([name]) => !known.has(name));
    expect(unknown.map(([name, file]) => `${name} (${file})`)).toEqual([]);
  });
});
