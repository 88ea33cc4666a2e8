import type { ServerResponse } from 'node:http';
import { Controller, Get, HttpException, HttpStatus, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { parsePosition, type Position } from '@fristvagt/event-store';
import { API_ROLES, Roles } from '../access/principal';
import { credentialCheckOf } from '../access/sessions';
import { type CommandExchange, Exchange } from '../cases/http';
import { API_KEY_SCHEME } from '../openapi';
import { ApiProblems } from '../problems/problem.dto';
import { AlertStream } from './alert-stream';
import { AlertStreamQueryDto } from './dto/alert-queries.dto';

/** What the handler needs of the reply: Fastify's (hand over `raw`, and take it from Fastify) or a Node response. */
interface StreamReply {
  readonly raw?: ServerResponse;
  hijack?(): void;
}

const LAST_EVENT_ID = 'Last-Event-ID';

const EXAMPLE = [
  'retry: 3000',
  ': alerts after 7801234:55',
  '',
  'id: 7801240:2',
  'event: breached',
  'data: {"caseId":"0b6f3c1e-9f4a-5d2b-8c1e-2a7d4e6f8a90","municipality":"461","obligationId":"NSR-CONVENE:documentation:pol-2026-0042","ruleId":"NSR-CONVENE","dueAt":"2026-04-01T22:00:00.000Z","detectedAt":"2026-04-01T22:00:00.204Z"}',
  '',
  ': heartbeat',
  '',
  '',
].join('\n');

/**
 * Live alerts for dashboards, as server-sent events: the obligation events that alerts are made of, read from
 * the event log as they are written, within the caller's municipalities. Not from a read model, so nothing
 * waits for the worker's projections.
 */
@ApiTags('alerts')
@ApiBearerAuth(API_KEY_SCHEME)
@Controller('v1/alerts/stream')
export class AlertStreamController {
  constructor(private readonly stream: AlertStream) {}

  @Get()
  @Roles(...API_ROLES)
  @ApiOperation({
    summary: 'Alerts as they happen (server-sent events)',
    description:
      'A `text/event-stream` of `due-soon`, `breached` and `fulfilled-late` events (and, for admins, ' +
      '`delivery-failed`) of the key’s municipalities, from the moment of connecting. Each has `id:` (its ' +
      'position in the event log), `event:` and one `data:` line of JSON: caseId, municipality, obligationId, ' +
      'ruleId, dueAt, detectedAt; never personal data. A comment line every 15 s keeps the connection open. ' +
      'A client that reconnects with `Last-Event-ID` (EventSource does so by itself) gets every event after that ' +
      'id exactly once. The credential is checked again at every heartbeat: the stream of a revoked key, or of a ' +
      'web session that was signed out or has expired, ends.\n\n' +
      'Authentication is `Authorization: Bearer`, as everywhere, or the web page’s session cookie: a browser ' +
      '`EventSource` on the page (same origin) sends the cookie by itself, while a program uses the header. ' +
      'Roles: every role.',
  })
  @ApiHeader({
    name: LAST_EVENT_ID,
    required: false,
    description: 'Resume right after this event: the `id:` of the last event received.',
    example: '7801234:55',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description:
      'The stream; it ends when the client disconnects, the key is revoked, the session ends or the server stops.',
    content: { 'text/event-stream': { schema: { type: 'string' }, example: EXAMPLE } },
  })
  @ApiProblems({
    400: 'invalid-position, unknown-field',
    401: 'unauthenticated, invalid-api-key, no-session',
  })
  async open(
    @Exchange() exchange: CommandExchange,
    @Query() query: AlertStreamQueryDto,
    @Res() reply: StreamReply,
  ): Promise<void> {
    const { request, principal } = exchange;
    const from =
      resumeAfter(request.headers[LAST_EVENT_ID.toLowerCase()], query.lastEventId) ??
      (await this.stream.head());
    // The access guard checked the key or session; this checks it again while the stream lasts.
    const stillValid = credentialCheckOf(request);
    reply.hijack?.();
    this.stream.serve(reply.raw ?? (reply as ServerResponse), principal, stillValid, from);
  }
}

/** Last-Event-ID (a reconnecting EventSource's) or else `lastEventId`; undefined when neither is given. */
function resumeAfter(header: string | string[] | undefined, query: string | undefined): Position | undefined {
  const given = Array.isArray(header) ? header.join(',') : header;
  if (given !== undefined && given.trim() !== '') {
    const position = parsePosition(given.trim());
    if (position === undefined) {
      const detail = `${LAST_EVENT_ID} must be the id of an event of this stream, commit:prepare`;
      throw new HttpException(
        {
          code: 'invalid-position',
          field: LAST_EVENT_ID,
          detail,
          errors: [{ field: LAST_EVENT_ID, code: 'invalid-position', detail }],
        },
        HttpStatus.BAD_REQUEST,
      );
    }
    return position;
  }
  return query === undefined ? undefined : parsePosition(query);
}
