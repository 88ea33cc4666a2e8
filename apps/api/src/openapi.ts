import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { fristvagtVersion } from './version';

/** The security scheme of the API keys; controllers that need a key carry `@ApiBearerAuth(API_KEY_SCHEME)`. */
export const API_KEY_SCHEME = 'api-key';

/**
 * The security scheme of the web page's session cookie (`POST /v1/session`); the session endpoints carry
 * `@ApiCookieAuth(SESSION_SCHEME)`.
 */
export const SESSION_SCHEME = 'session';

/** Swagger UI at /docs, the document at /docs-json. */
export const OPENAPI_PATHS = { ui: 'docs', json: 'docs-json' } as const;

export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Fristvagt')
    .setDescription(
      'Legal deadlines in Danish municipal youth cases. Errors are `application/problem+json` (RFC 9457) with a ' +
        'stable `code`; instants are UTC ISO-8601 ending in Z, legal dates are local dates in Europe/Copenhagen.',
    )
    .setVersion(fristvagtVersion())
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        description:
          'An API key, sent as `Authorization: Bearer <key>`. Every request of an auditor key (read-only everywhere) ' +
          'also states its purpose, in the header `X-Audit-Purpose` (UTF-8, percent-encoded where not ASCII) or ' +
          'the parameter `purpose`: 5-200 letters, digits, spaces and . , : ; ! ? \' " ( ) / # § & + _ -, and never ' +
          'a CPR number. Without one the answer is 400 `purpose-required` (`invalid-purpose`, ' +
          '`personal-data-in-purpose`) with field `purpose`; with one the read is recorded in the access log ' +
          '(GET /v1/audit/access-log) before it is answered.',
      },
      API_KEY_SCHEME,
    )
    .addCookieAuth(
      'fristvagt_session',
      {
        type: 'apiKey',
        in: 'cookie',
        name: 'fristvagt_session',
        description:
          'The web page’s session cookie, set by `POST /v1/session` (named `__Host-fristvagt_session` when ' +
          'Secure). Every endpoint that takes an API key also takes it, with the role and municipalities of the ' +
          'key it was signed in with; a call with it that changes something (any method but GET, HEAD, OPTIONS) ' +
          'also needs `X-CSRF-Token` and must not come from another origin.',
      },
      SESSION_SCHEME,
    )
    .build();
  return SwaggerModule.createDocument(app, config);
}

/**
 * Serves the OpenAPI document and Swagger UI, with the UI's assets from the swagger-ui-dist package (no
 * CDN, so it works offline). Both are plain HTTP routes outside Nest's controllers, so the access guard
 * never sees them: they are public. Call after the modules are built and before the app listens.
 */
export function serveOpenApi(app: INestApplication): void {
  const document = openApiDocument(app);
  SwaggerModule.setup(OPENAPI_PATHS.ui, app, document, {
    jsonDocumentUrl: OPENAPI_PATHS.json,
    raw: ['json'],
    customSiteTitle: 'Fristvagt API',
  });
}
