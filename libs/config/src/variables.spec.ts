import { loadConfig } from './config';
import { AREAS, declaredVariable, READERS, TOOLING_VARIABLES, VARIABLES } from './variables';

const KEYS = {
  CPR_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
  CPR_LOOKUP_KEY: Buffer.alloc(32, 2).toString('base64'),
  WEBHOOK_SIGNING_KEY: Buffer.alloc(32, 3).toString('base64'),
};

/** The names loadConfig looks up in an environment, recorded through a proxy. */
function namesLoadConfigReads(env: Record<string, string> = {}): Set<string> {
  const seen = new Set<string>();
  const recording = new Proxy(env, {
    get(target, name) {
      if (typeof name === 'string') seen.add(name);
      return target[name as string];
    },
  });
  loadConfig(recording);
  return seen;
}

describe('the configuration schema (variables.ts)', () => {
  it('declares exactly the variables loadConfig reads, so neither can drift from the other', () => {
    const declared = VARIABLES.map((v) => v.name).sort();
    expect([...namesLoadConfigReads()].sort()).toEqual(declared);
  });

  it('refuses to read a variable that is not declared, naming the table to add it to', () => {
    expect(() => declaredVariable('PORTT')).toThrow(
      'PORTT is not declared in libs/config/src/variables.ts: declare every variable there before reading it',
    );
    expect(declaredVariable('PORT').default).toBe('`3000`');
  });

  it('declares each variable once, with a meaning, an example, allowed values and at least one reader', () => {
    const names = VARIABLES.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    for (const v of VARIABLES) {
      expect({ name: v.name, ok: /^[A-Z][A-Z0-9_]*$/.test(v.name) }).toEqual({ name: v.name, ok: true });
      expect(Object.keys(AREAS)).toContain(v.area);
      expect(v.meaning.length).toBeGreaterThan(10);
      expect(v.example).not.toBe('');
      expect(v.allowed).not.toBe('');
      expect(v.readBy.length).toBeGreaterThan(0);
      for (const reader of v.readBy) expect(READERS).toContain(reader);
    }
  });

  it('marks as required in every production process exactly what loadConfig refuses to do without', () => {
    // loadConfig runs in every process, the CLI too; a requirement of one role (the worker's checkpoint key) is
    // checked where that role starts (apps/worker/src/checkpoint-sealer.ts).
    const requiredByLoadConfig = VARIABLES.filter(
      (v) => 'requiredInProduction' in v && v.requiredInProduction.length === READERS.length,
    ).map((v) => v.name);
    let message = '';
    try {
      loadConfig({ NODE_ENV: 'production' });
    } catch (error) {
      message = (error as Error).message;
    }
    const refused = [...message.matchAll(/(?:^|; )([A-Z_]+): is required when NODE_ENV=production/g)].map(
      (match) => match[1],
    );
    expect(refused.sort()).toEqual(requiredByLoadConfig.sort());
  });

  it('marks key material and URLs that may carry a password as secret', () => {
    const secret = VARIABLES.filter((v) => v.secret).map((v) => v.name);
    expect(secret).toEqual(
      expect.arrayContaining([
        'CPR_ENCRYPTION_KEYS',
        'CPR_LOOKUP_KEY',
        'WEBHOOK_SIGNING_KEY',
        'CHECKPOINT_SIGNING_KEY',
        'DATABASE_URL',
        'SMTP_URL',
      ]),
    );
    expect(secret).not.toContain('PORT');
  });

  it('gives every example a value loadConfig accepts', () => {
    for (const v of VARIABLES) {
      // A placeholder stands for key material or a password; NODE_ENV's example, production, needs the keys.
      if (!v.example.includes('<')) expect(() => loadConfig({ ...KEYS, [v.name]: v.example })).not.toThrow();
    }
  });

  it('keeps the tooling variables apart from the service’s, each with what uses it', () => {
    for (const v of TOOLING_VARIABLES) expect(v.usedBy.length).toBeGreaterThan(0);
    expect(TOOLING_VARIABLES.map((v) => v.name)).toContain('SCREENSHOTS_DIR');
    expect(VARIABLES.map((v) => v.name as string)).not.toContain('SCREENSHOTS_DIR');
  });
});
