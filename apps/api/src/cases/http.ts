import {
  createParamDecorator,
  type ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
  type PipeTransform,
} from '@nestjs/common';
import { containsCprNumber, identifier } from '@fristvagt/domain';
import { PRINCIPAL_PROPERTY, type Principal } from '../access/principal';
import type { HttpRequest, HttpResponse } from '../http/request';

/** Everything the command gateway needs from one HTTP exchange. */
export interface CommandExchange {
  readonly request: HttpRequest;
  readonly response: HttpResponse;
  readonly principal: Principal;
}

/** The request, the response and the verified principal, as one controller parameter. */
export const Exchange = createParamDecorator((_data: unknown, ctx: ExecutionContext): CommandExchange => {
  const http = ctx.switchToHttp();
  const request = http.getRequest<HttpRequest & Record<string, unknown>>();
  const principal = request[PRINCIPAL_PROPERTY] as Principal | undefined;
  if (principal === undefined) throw new Error('No principal on the request: is the access guard installed?');
  return { request, response: http.getResponse<HttpResponse>(), principal };
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const OBLIGATION_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,299}$/;

function badParameter(field: string, code: string, detail: string): HttpException {
  return new HttpException(
    { code, field, detail, errors: [{ field, code, detail }] },
    HttpStatus.BAD_REQUEST,
  );
}

/** `caseId` in a path: the UUID the case was opened with. */
@Injectable()
export class CaseIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!UUID.test(value)) throw badParameter('caseId', 'invalid-case-id', 'caseId must be a UUID');
    return value.toLowerCase();
  }
}

/** An id of the case system in a path (placementId, councilId, measureId, aftercareId, documentationId). */
@Injectable()
export class OpaqueIdPipe implements PipeTransform<string, string> {
  constructor(private readonly field: string) {}

  /** The domain's own check, so a path refuses exactly what a body does: `invalid-id` or `id-looks-like-cpr`. */
  transform(value: string): string {
    const refused = identifier(value, this.field);
    if (refused !== undefined) throw badParameter(this.field, refused.code, refused.message);
    return value;
  }
}

@Injectable()
export class ObligationIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!OBLIGATION_ID.test(value)) {
      throw badParameter('obligationId', 'invalid-id', 'obligationId must be an obligation id from the case');
    }
    // Obligation ids are made of ids that are never CPR-shaped, so one that is was typed in by mistake.
    if (containsCprNumber(value)) {
      throw badParameter(
        'obligationId',
        'id-looks-like-cpr',
        'obligationId looks like a CPR number; use an obligation id from the case',
      );
    }
    return value;
  }
}
