import {
  createParamDecorator,
  type ExecutionContext,
  HttpException,
  HttpStatus,
  SetMetadata,
} from '@nestjs/common';

export const API_ROLES = ['integration', 'supervisor', 'auditor', 'admin'] as const;
/**
 * What a key may do. `integration`: post facts and read its cases (a municipal case system);
 * `supervisor`: read cases with full CPR numbers and waive obligations; `auditor`: read only, every read
 * logged; `admin`: everything within its municipalities.
 */
export type ApiRole = (typeof API_ROLES)[number];

/** The caller behind a verified API key. Never holds the key itself. */
export interface Principal {
  /** Public id of the API key (the part before the secret); recorded as the events' `actor`. */
  readonly keyId: string;
  readonly role: ApiRole;
  /** Kommunekoder the key may act for; `'*'` means every municipality (national admin keys). */
  readonly municipalities: readonly string[] | '*';
  /**
   * `'session'` when the caller is the web page, signed in with the key (a session cookie); absent for the key
   * itself as a bearer token. Role and municipalities are the key's either way.
   */
  readonly via?: 'session';
}

/** `{ via }` for a principal that came from a web session, else nothing: what an audit log line adds. */
export function viaOf(principal: Principal): { via?: 'session' } {
  return principal.via === undefined ? {} : { via: principal.via };
}

/** True when the principal may see and change cases of this municipality. */
export function inScope(principal: Principal, municipality: string): boolean {
  return principal.municipalities === '*' || principal.municipalities.includes(municipality);
}

/** 403 `municipality-out-of-scope`: the key may not act for the municipality given in `field`. */
export function municipalityOutOfScope(field: string, detail: string): HttpException {
  return new HttpException({ code: 'municipality-out-of-scope', field, detail }, HttpStatus.FORBIDDEN);
}

export const ROLES_METADATA = 'fristvagt:roles';
export const PUBLIC_METADATA = 'fristvagt:public';

/** Roles allowed on a handler or controller; a principal with another role gets 403. */
export const Roles = (...roles: ApiRole[]) => SetMetadata(ROLES_METADATA, roles);

/** No API key needed (health, OpenAPI document). */
export const Public = () => SetMetadata(PUBLIC_METADATA, true);

/** The request property the access guard sets. */
export const PRINCIPAL_PROPERTY = 'principal';

/** The verified principal of the request, set by the access guard. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const request = ctx.switchToHttp().getRequest<Record<string, unknown>>();
  const principal = request[PRINCIPAL_PROPERTY];
  if (principal === undefined) throw new Error('No principal on the request: is the access guard installed?');
  return principal as Principal;
});
