import { stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '@fristvagt/logging';
import { problem, PROBLEM_CONTENT_TYPE } from '../problems/problem';

/** Where the page is served. */
export const WEB_PAGE_PATH = '/app';

/**
 * On every response under /app: the page loads nothing from anywhere but this service (no CDN, no font
 * service), runs no inline script, and cannot be framed.
 */
export const WEB_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

const INDEX = 'index.html';
/** Hashed file names: a changed file is a new name, so a browser may keep each for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Serves the built page (WEB_ASSETS_DIR: index.html and assets/) at /app with @fastify/static, as plain Fastify
 * routes outside Nest's controllers, so the access guard never sees them: the page is public, and what it
 * shows comes from the API, signed in with a session. `/` leads to it. index.html is never stored by a cache;
 * `assets/…` are kept for a year. A path under /app without a file extension is the page's own (client-side)
 * route and gets index.html.
 *
 * Without a built page the service starts anyway: one warning now, and /app answers 503 `web-assets-missing`
 * until `npm run build` has made it (no restart needed). Call after the modules are built and before the app
 * listens; the api and all roles serve it, the worker does not.
 */
export async function serveWebPage(
  app: NestFastifyApplication,
  assetsDir: string,
  logger: Logger,
): Promise<void> {
  if (!(await isFile(join(assetsDir, INDEX)))) {
    logger.warn(
      { variable: 'WEB_ASSETS_DIR', assetsDir },
      `the web page is not built: ${join(assetsDir, INDEX)} does not exist, so ${WEB_PAGE_PATH} answers 503 ` +
        'until `npm run build` has made it (or WEB_ASSETS_DIR names the folder it is in)',
    );
  }
  const fastify = app.getHttpAdapter().getInstance();
  // A plugin of its own, so that the `sendFile` it adds to the reply stays inside it.
  await fastify.register(async (scope: FastifyInstance) => {
    await scope.register(fastifyStatic, {
      root: assetsDir,
      serve: false,
      suppressWarning: true,
      cacheControl: false,
      dotfiles: 'deny',
      index: false,
    });
    scope.addHook('onRequest', async (_request, reply) => {
      reply.headers(WEB_PAGE_HEADERS);
    });

    const page = async (_request: FastifyRequest, reply: FastifyReply) => {
      if (!(await isFile(join(assetsDir, INDEX)))) return notBuilt(reply);
      return reply.header('Cache-Control', 'no-store').sendFile(INDEX);
    };
    scope.get('/', (_request, reply) => reply.redirect(`${WEB_PAGE_PATH}/`, 302));
    scope.get(WEB_PAGE_PATH, page);
    scope.get(`${WEB_PAGE_PATH}/`, page);
    scope.get(`${WEB_PAGE_PATH}/*`, async (request, reply) => {
      const path = (request.params as { '*': string })['*'];
      if (!path.startsWith('assets/') && extname(path) === '') return page(request, reply);
      if (!(await isFile(join(assetsDir, INDEX)))) return notBuilt(reply);
      reply.header('Cache-Control', path.startsWith('assets/') ? IMMUTABLE : 'no-cache');
      return reply.sendFile(`/${path}`);
    });
  });
}

function notBuilt(reply: FastifyReply): FastifyReply {
  const body = problem({
    status: 503,
    code: 'web-assets-missing',
    detail:
      'The web page has not been built: WEB_ASSETS_DIR holds no index.html. Run `npm run build` (or set ' +
      'WEB_ASSETS_DIR to the folder of the built page).',
  });
  return reply
    .code(503)
    .header('Content-Type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`)
    .header('Cache-Control', 'no-store')
    .send(JSON.stringify(body));
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
