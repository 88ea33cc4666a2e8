import { randomUUID } from 'node:crypto';
import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { concatMap, from, type Observable, switchMap } from 'rxjs';
import {
  checkPurpose,
  decodePurposeHeader,
  PURPOSE_HEADER,
  PURPOSE_PARAMETER,
  recordAuditorRead,
} from '@fristvagt/audit';
import { CLOCK, type Clock } from '@fristvagt/config';
import { EVENT_STORE, type EventStore } from '@fristvagt/event-store';
import { PRINCIPAL_PROPERTY, type Principal } from '../access/principal';
import { NO_ROUTE } from '../http/access-log';
import { correlationId } from '../http/request';
import { isUuid } from '../http/validators';
import { inputProblem } from '../problems/input-validation';

interface AuditedRequest {
  readonly id?: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly routeOptions?: { readonly url?: string };
  readonly params?: Readonly<Record<string, string | undefined>>;
  query?: Record<string, unknown>;
  [PRINCIPAL_PROPERTY]?: Principal;
}

/**
 * A query parameter's name as the routes define them. A name is recorded before the route's own checks run,
 * and a caller may send anything as a name (a CPR number among them): any other name is left out.
 */
const PARAMETER_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;

/** Routes that answer as a stream, written while the stream lasts: recorded before they start. */
const RECORDED_BEFORE: ReadonlySet<string> = new Set(['/v1/alerts/stream']);

/** Signing in and out of the web page is no read of anything: no purpose needed there. */
const EXEMPT_ROUTES: ReadonlySet<string> = new Set(['/v1/session']);

/** The purpose as given (header decoded), or a problem naming `purpose`. */
function purposeOf(request: AuditedRequest): string {
  const header = request.headers[PURPOSE_HEADER.toLowerCase()];
  const parameter = request.query?.[PURPOSE_PARAMETER];
  const decoded = typeof header === 'string' ? decodePurposeHeader(header) : header;
  if (typeof header === 'string' && decoded === undefined) {
    throw inputProblem([
      {
        field: PURPOSE_PARAMETER,
        code: 'invalid-purpose',
        detail: `${PURPOSE_HEADER} must be UTF-8, percent-encoded where not plain ASCII.`,
      },
    ]);
  }
  if (decoded !== undefined && parameter !== undefined && decoded !== parameter) {
    throw inputProblem([
      {
        field: PURPOSE_PARAMETER,
        code: 'invalid-purpose',
        detail: `Give the purpose once: the header ${PURPOSE_HEADER} and the parameter ${PURPOSE_PARAMETER} differ.`,
      },
    ]);
  }
  const check = checkPurpose(decoded ?? parameter);
  if (!check.ok) throw inputProblem([{ field: PURPOSE_PARAMETER, code: check.code, detail: check.detail }]);
  return check.purpose;
}

/**
 * Issue 13, access log: every request of an auditor (read-only everywhere, so every request that passed the
 * roles check is a read) must state its purpose, in the header X-Audit-Purpose or the parameter `purpose`,
 * and is recorded as an AuditorReadRecorded event in the day's stream before it is answered: a read whose
 * record cannot be stored is not served. A read the route refuses is not recorded (nothing was read). The record holds the key id, the route's template, the case id when
 * the route names a case, the names of the query parameters and the purpose; never a URL or a parameter's
 * value. The `purpose` parameter is taken off the query here, so the routes' own parameter checks never see it.
 */
@Injectable()
export class AuditorPurposeInterceptor implements NestInterceptor {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<AuditedRequest>();
    const principal = request[PRINCIPAL_PROPERTY];
    const route = request.routeOptions?.url ?? NO_ROUTE;
    if (principal?.role !== 'auditor' || EXEMPT_ROUTES.has(route)) return next.handle();

    const purpose = purposeOf(request);
    if (request.query !== undefined) delete request.query[PURPOSE_PARAMETER];
    const caseId = request.params?.caseId;
    const record = () =>
      recordAuditorRead(
        this.store,
        randomUUID(),
        {
          auditor: principal.keyId,
          via: principal.via ?? 'bearer',
          method: request.method,
          route,
          caseId: isUuid(caseId) ? caseId.toLowerCase() : null,
          parameters: Object.keys(request.query ?? {})
            .filter((name) => PARAMETER_NAME.test(name))
            .sort(),
          purpose,
          at: this.clock.now().toISOString(),
        },
        correlationId(request),
      );
    // A stream is answered as it goes: its read is recorded before it starts. Any other read is recorded once
    // the route has its answer and before that answer is sent, so a request the route refuses (a bad parameter,
    // an unknown case) records nothing, as no refused request stores anything (issue 12).
    if (RECORDED_BEFORE.has(route)) return from(record()).pipe(switchMap(() => next.handle()));
    return next.handle().pipe(
      concatMap(async (answer: unknown) => {
        await record();
        return answer;
      }),
    );
  }
}
