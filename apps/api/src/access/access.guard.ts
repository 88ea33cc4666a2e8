import {
  type CanActivate,
  type ExecutionContext,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Optional,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { LOGGER, type Logger } from '@fristvagt/logging';
import { API_KEY_STORE, type ApiKeyStore } from './api-key-store';
import {
  type ApiRole,
  type Principal,
  PRINCIPAL_PROPERTY,
  PUBLIC_METADATA,
  ROLES_METADATA,
} from './principal';
import {
  CREDENTIAL_CHECK_PROPERTY,
  type CredentialCheck,
  CSRF_HEADER,
  isOwnOrigin,
  SESSION_AUTHENTICATOR,
  type SessionAuthenticator,
} from './sessions';

interface GuardedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
  /** Fastify's and Express's: `https` on a TLS connection (or as a trusted proxy says), else `http`. */
  readonly protocol?: string;
  /** Fastify's: the route's pattern, e.g. `/v1/cases/:caseId`. */
  readonly routeOptions?: { readonly url?: string };
  [PRINCIPAL_PROPERTY]?: Principal;
  [CREDENTIAL_CHECK_PROPERTY]?: CredentialCheck;
}

interface HeaderSettable {
  header(name: string, value: string): unknown;
}

/** Methods that change nothing (RFC 9110 safe methods): no CSRF token needed. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Registered globally by AccessModule: every route needs a credential unless it is `@Public()`, and a role
 * listed by `@Roles(...)` on the handler (or else its controller) when there is one. It sets
 * `request.principal`, and a check that the credential still holds (for the alert stream).
 *
 * The credential is `Authorization: Bearer <API key>`, or, without that header, the web page's session cookie
 * (see apps/api/src/web): its principal has the key's role and municipalities and `via: 'session'`. A request
 * with the cookie that may change state (any method but GET, HEAD, OPTIONS) must come from the service's own
 * origin when it says where it comes from (Origin), and carry the session's CSRF token in X-CSRF-Token; with
 * SameSite=Strict on the cookie this is defence in depth. Bearer requests need neither: a browser never adds
 * the header by itself.
 *
 * Municipality scope is not checked here: the case handlers check it with `inScope` and answer 404 for a
 * case outside the principal's scope, exactly as for a missing one. Neither the token, the cookie nor the
 * Authorization header is ever logged.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(API_KEY_STORE) private readonly keys: ApiKeyStore,
    @Optional() @Inject(SESSION_AUTHENTICATOR) private readonly sessions?: SessionAuthenticator,
    @Optional() @Inject(LOGGER) private readonly logger?: Logger,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_METADATA, targets) === true) return true;

    const http = context.switchToHttp();
    const request = http.getRequest<GuardedRequest>();
    const response = http.getResponse<HeaderSettable>();
    const sessionToken =
      request.headers.authorization === undefined ? this.sessions?.sessionToken(request.headers) : undefined;
    const principal =
      sessionToken === undefined
        ? await this.bearer(request, response)
        : await this.session(request, response, sessionToken);
    request[PRINCIPAL_PROPERTY] = principal;

    const roles = this.reflector.getAllAndOverride<ApiRole[] | undefined>(ROLES_METADATA, targets);
    if (roles !== undefined && !roles.includes(principal.role)) {
      throw new HttpException(
        {
          code: 'forbidden-role',
          detail: `This needs the role ${roles.join(' or ')}; the API key has the role ${principal.role}.`,
        },
        HttpStatus.FORBIDDEN,
      );
    }
    if (principal.via === 'session' && principal.role === 'auditor') {
      // Auditors' reads are logged by the queries themselves; this line says that the page made them. The
      // route's pattern only, never the path's values or the query string.
      this.logger?.info(
        {
          audit: 'page-view',
          keyId: principal.keyId,
          via: principal.via,
          method: request.method,
          route: request.routeOptions?.url ?? request.url.split('?')[0],
        },
        'auditor used the web page',
      );
    }
    return true;
  }

  private async bearer(request: GuardedRequest, response: HeaderSettable): Promise<Principal> {
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) {
      throw unauthorized(
        response,
        'unauthenticated',
        'This needs an API key: send it as Authorization: Bearer <key>.',
      );
    }
    const principal = await this.keys.verify(token);
    if (principal === undefined) {
      throw unauthorized(response, 'invalid-api-key', 'The API key is malformed, unknown or revoked.');
    }
    request[CREDENTIAL_CHECK_PROPERTY] = async () => (await this.keys.verify(token)) !== undefined;
    return principal;
  }

  private async session(
    request: GuardedRequest,
    response: HeaderSettable,
    token: string,
  ): Promise<Principal> {
    const sessions = this.sessions!;
    const changes = !SAFE_METHODS.has(request.method.toUpperCase());
    if (
      changes &&
      !isOwnOrigin(
        request.headers.origin,
        { protocol: request.protocol ?? 'http', host: headerValue(request.headers.host) },
        sessions.trustedOrigins,
      )
    ) {
      throw new HttpException(
        {
          code: 'cross-origin-request',
          detail: 'A request signed in with the session cookie must come from this service’s own page.',
        },
        HttpStatus.FORBIDDEN,
      );
    }
    const session = await sessions.authenticate(token, { touch: true });
    if (session === undefined) {
      response.header('Set-Cookie', sessions.clearedCookie());
      throw unauthorized(
        response,
        'no-session',
        'The session has ended (signed out, timed out, or its API key revoked): sign in again.',
      );
    }
    if (changes && !session.csrfTokenMatches(headerValue(request.headers[CSRF_HEADER.toLowerCase()]))) {
      throw new HttpException(
        {
          code: 'csrf-token-invalid',
          field: CSRF_HEADER,
          detail: `A request signed in with the session cookie that changes something needs the session’s CSRF token in ${CSRF_HEADER}.`,
        },
        HttpStatus.FORBIDDEN,
      );
    }
    request[CREDENTIAL_CHECK_PROPERTY] = async () =>
      (await sessions.authenticate(token, { touch: false })) !== undefined;
    return session.principal;
  }
}

/** The token of `Bearer <token>` (scheme case-insensitive, RFC 9110); undefined for anything else. */
function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer +(\S+) *$/i.exec(header);
  return match?.[1];
}

/** One header sent once; a repeated one counts as absent, which every caller here refuses. */
function headerValue(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function unauthorized(
  response: HeaderSettable,
  code: 'unauthenticated' | 'invalid-api-key' | 'no-session',
  detail: string,
): HttpException {
  // Set here because an HttpException carries no headers; the problem filter keeps it when it answers.
  response.header('WWW-Authenticate', 'Bearer');
  return new HttpException({ code, detail }, HttpStatus.UNAUTHORIZED);
}
