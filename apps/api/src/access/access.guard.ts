import {
  type CanActivate,
  type ExecutionContext,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { API_KEY_STORE, type ApiKeyStore } from './api-key-store';
import {
  type ApiRole,
  type Principal,
  PRINCIPAL_PROPERTY,
  PUBLIC_METADATA,
  ROLES_METADATA,
} from './principal';

interface GuardedRequest {
  headers: Record<string, string | string[] | undefined>;
  [PRINCIPAL_PROPERTY]?: Principal;
}

interface HeaderSettable {
  header(name: string, value: string): unknown;
}

/**
 * Registered globally by AccessModule: every route needs `Authorization: Bearer <API key>` unless it is
 * `@Public()`, and a role listed by `@Roles(...)` on the handler (or else its controller) when there is
 * one. It sets `request.principal`. Municipality scope is not checked here: the case handlers check it
 * with `inScope` and answer 404 for a case outside the principal's scope, exactly as for a missing one.
 * Neither the token nor the Authorization header is ever logged.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(API_KEY_STORE) private readonly keys: ApiKeyStore,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_METADATA, targets) === true) return true;

    const http = context.switchToHttp();
    const request = http.getRequest<GuardedRequest>();
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) {
      throw unauthorized(
        http.getResponse<HeaderSettable>(),
        'unauthenticated',
        'This needs an API key: send it as Authorization: Bearer <key>.',
      );
    }
    const principal = await this.keys.verify(token);
    if (principal === undefined) {
      throw unauthorized(
        http.getResponse<HeaderSettable>(),
        'invalid-api-key',
        'The API key is malformed, unknown or revoked.',
      );
    }
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
    return true;
  }
}

/** The token of `Bearer <token>` (scheme case-insensitive, RFC 9110); undefined for anything else. */
function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer +(\S+) *$/i.exec(header);
  return match?.[1];
}

function unauthorized(
  response: HeaderSettable,
  code: 'unauthenticated' | 'invalid-api-key',
  detail: string,
): HttpException {
  // Set here because an HttpException carries no headers; the problem filter keeps it when it answers.
  response.header('WWW-Authenticate', 'Bearer');
  return new HttpException({ code, detail }, HttpStatus.UNAUTHORIZED);
}
