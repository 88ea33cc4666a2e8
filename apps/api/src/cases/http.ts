import {
  createParamDecorator,
  type ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
  type PipeTransform,
} from '@nestjs/common';
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
const OPAQUE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
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

  transform(value: string): string {
    if (!OPAQUE_ID.test(value)) {
      throw badParameter(
        this.field,
        'invalid-id',
        `${this.field} must be 1-100 letters, digits, '.', '_' or '-'`,
      );
    }
    return value;
  }
}

@Injectable()
export class ObligationIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!OBLIGATION_ID.test(value)) {
      throw badParameter('obligationId', 'invalid-id', 'obligationId must be an obligation id from the case');
    }
    return value;
  }
}
