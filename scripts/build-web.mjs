/**
 * Builds the web page (apps/web) into static files the API serves at /app (WEB_ASSETS_DIR): esbuild bundles
 * the TypeScript, Preact and Chart.js into one minified script and one stylesheet with content hashes in their
 * names (so they can be cached for ever) and source maps, and index.html is rewritten to name them. Nothing
 * is loaded from anywhere else at run time.
 *
 *   node scripts/build-web.mjs [outDir]      (default: $WEB_OUT_DIR or dist/web)
 *
 * `buildWeb({ outDir })` does the same for tests that build into a folder of their own.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WEB = join(ROOT, 'apps', 'web');
/** Where the page is served (apps/api/src/web/web-page.ts): the asset URLs in index.html are absolute. */
const BASE = '/app/assets/';
/** The names index.html refers to in the source; the build replaces them with the hashed names. */
const PLACEHOLDERS = { js: `${BASE}main.js`, css: `${BASE}main.css` };
/** Browsers of the last few years; every one has ES2020, EventSource, Intl.RelativeTimeFormat. */
const TARGETS = ['chrome109', 'edge109', 'firefox115', 'safari16'];

/**
 * @param {{ outDir?: string, minify?: boolean, logLevel?: import('esbuild').LogLevel }} [options]
 * @returns {Promise<{ outDir: string, files: string[] }>}
 */
export async function buildWeb(options = {}) {
  const outDir = resolve(ROOT, options.outDir ?? 'dist/web');
  const assets = join(outDir, 'assets');
  // Only what this build writes is removed: outDir may be any folder someone names.
  await rm(assets, { recursive: true, force: true });
  await rm(join(outDir, 'index.html'), { force: true });
  await mkdir(assets, { recursive: true });

  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { main: join(WEB, 'src', 'main.tsx') },
    outdir: assets,
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: TARGETS,
    minify: options.minify ?? true,
    sourcemap: 'linked',
    legalComments: 'linked',
    tsconfig: join(WEB, 'tsconfig.json'),
    jsx: 'automatic',
    jsxImportSource: 'preact',
    define: { 'process.env.NODE_ENV': '"production"' },
    metafile: true,
    logLevel: options.logLevel ?? 'warning',
  });

  const outputs = Object.keys(result.metafile.outputs).map((file) => resolve(ROOT, file));
  const script = outputs.find((file) => file.endsWith('.js'));
  const stylesheet = outputs.find((file) => file.endsWith('.css'));
  if (script === undefined || stylesheet === undefined) {
    throw new Error(`build-web: expected a .js and a .css among ${outputs.join(', ')}`);
  }

  let html = await readFile(join(WEB, 'index.html'), 'utf8');
  for (const [placeholder, file] of [
    [PLACEHOLDERS.js, script],
    [PLACEHOLDERS.css, stylesheet],
  ]) {
    if (!html.includes(placeholder))
      throw new Error(`build-web: apps/web/index.html does not name ${placeholder}`);
    html = html.replace(placeholder, `${BASE}${basename(file)}`);
  }
  await writeFile(join(outDir, 'index.html'), html);
  return { outDir, files: ['index.html', ...outputs.map((file) => relative(outDir, file))].sort() };
}

const invokedDirectly =
  process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const outDir = process.argv[2] ?? process.env.WEB_OUT_DIR ?? 'dist/web';
  buildWeb({ outDir })
    .then(({ outDir: written, files }) => {
      console.log(`web page built into ${relative(process.cwd(), written) || '.'}: ${files.join(', ')}`);
    })
    .catch((error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    });
}
