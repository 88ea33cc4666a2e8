import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The version in Fristvagt's package.json, found by walking up from this file, so it is the same from
 * the TypeScript sources (tests) and from dist/ (npm start).
 */
export function fristvagtVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'fristvagt' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no package.json here: keep walking up
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}
