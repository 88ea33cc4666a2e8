import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError } from './config';

/** A secret that, outside production, is generated once into DATA_DIR when its variable is unset. */
export interface GeneratedSecret<T> {
  /** The file, under DATA_DIR (its folder is made 0700, the file 0600). */
  readonly path: string;
  /** The variable the file stands in for, named in every error. */
  readonly variable: string;
  /** What the file holds, for messages: "development webhook signing key". */
  readonly kind: string;
  /** A new file's text. */
  readonly generate: () => string;
  /** The file's text read back, with the same parser as the variable's (messages never contain the secret). */
  readonly parse: (text: string) => { ok: true; value: T } | { ok: false; message: string };
}

/**
 * The secret in `secret.path`, created the first time. Never replaces a file: a new one is written to a
 * temporary name and hard-linked into place, so a process that loses the race reads the winner's. A file that
 * does not parse is an error naming the variable; one that cannot be read or made, an error naming DATA_DIR.
 */
export async function readOrCreateSecret<T>(secret: GeneratedSecret<T>): Promise<T> {
  const read = await readSecret(secret).catch(dataDirError(secret, 'read'));
  if (read !== undefined) return read;
  return createSecret(secret).catch(dataDirError(secret, 'create'));
}

async function readSecret<T>(secret: GeneratedSecret<T>): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(secret.path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = secret.parse(text);
  if (!parsed.ok) {
    throw new ConfigError([
      {
        variable: secret.variable,
        message: `is unset, and the ${secret.kind} file ${secret.path} ${parsed.message}; set ${secret.variable}, or delete the file`,
      },
    ]);
  }
  return parsed.value;
}

async function createSecret<T>(secret: GeneratedSecret<T>): Promise<T> {
  const dir = dirname(secret.path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const temporary = `${secret.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, secret.generate(), { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, secret.path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temporary);
  }
  const value = await readSecret(secret);
  if (value === undefined) throw new Error(`${secret.path} vanished while it was being created`);
  return value;
}

function dataDirError(secret: GeneratedSecret<unknown>, verb: 'read' | 'create'): (error: unknown) => never {
  return (error) => {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigError([
      { variable: 'DATA_DIR', message: `cannot ${verb} the ${secret.kind} file ${secret.path} (${code})` },
    ]);
  };
}
