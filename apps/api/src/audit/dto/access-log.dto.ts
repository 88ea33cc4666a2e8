import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { CursorParam, LimitParam } from '../../http/query-params';
import { codeValidator, IsUuid } from '../../http/validators';
import { toUtcInstant } from '../../obligations/dto/obligations-query.dto';

/** The longest window one query of the access log covers, in days. */
export const MAX_ACCESS_LOG_DAYS = 92;
/** The window without `from`: this many days up to `to`. */
export const DEFAULT_ACCESS_LOG_DAYS = 7;

const KEY_ID = /^[A-Za-z0-9]{12}$/;

/** A page position: the UTC day's stream and the revision of the last record given. */
export interface AccessLogCursor {
  readonly day: string;
  readonly revision: number;
}

export function encodeAccessLogCursor(cursor: AccessLogCursor): string {
  return Buffer.from(`${cursor.day}/${cursor.revision}`, 'utf8').toString('base64url');
}

export function decodeAccessLogCursor(token: unknown): AccessLogCursor | undefined {
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{1,40}$/.test(token)) return undefined;
  const match = /^(\d{4}-\d{2}-\d{2})\/(\d{1,9})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match === null ? undefined : { day: match[1], revision: Number(match[2]) };
}

const IsInstant = () =>
  codeValidator(
    'invalid-instant',
    (value) => toUtcInstant(value) !== undefined,
    'must be an ISO-8601 instant with Z or an offset, e.g. 2026-12-01T00:00:00Z',
  );

/** GET /v1/audit/access-log. */
export class AccessLogQueryDto {
  @ApiPropertyOptional({
    description: 'Only the reads of this auditor key (its 12-character id).',
    example: 'a1B2c3D4e5F6',
  })
  @IsOptional()
  @codeValidator(
    'invalid-key-id',
    (value) => typeof value === 'string' && KEY_ID.test(value),
    'must be an API key id: 12 letters and digits',
  )
  auditor?: string;

  @ApiPropertyOptional({ description: 'Only the reads of this case.', format: 'uuid' })
  @IsOptional()
  @IsUuid('invalid-case-id')
  caseId?: string;

  @ApiPropertyOptional({
    description: `First instant, inclusive. Default: ${DEFAULT_ACCESS_LOG_DAYS} days before \`to\`. At most ${MAX_ACCESS_LOG_DAYS} days from \`from\` to \`to\`.`,
    format: 'date-time',
    example: '2026-12-01T00:00:00Z',
  })
  @IsOptional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({
    description: 'Last instant, inclusive. Default: now by the service clock.',
    format: 'date-time',
    example: '2026-12-02T00:00:00Z',
  })
  @IsOptional()
  @IsInstant()
  to?: string;

  @LimitParam('Records')
  limit?: number;

  @CursorParam(decodeAccessLogCursor, 'MjAyNi0xMi0wMS8xNw')
  cursor?: string;
}

export class AccessLogEntryDto {
  @ApiProperty({ description: 'The auditor’s API key id.', example: 'a1B2c3D4e5F6' })
  auditor!: string;
  @ApiProperty({ enum: ['bearer', 'session'], description: 'session: the web page made the read.' })
  via!: 'bearer' | 'session';
  @ApiProperty({ example: 'GET' })
  method!: string;
  @ApiProperty({ description: 'The route template, never the URL.', example: '/v1/cases/:caseId/history' })
  route!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'uuid',
    description: 'The case read, when the route names one.',
  })
  caseId!: string | null;
  @ApiProperty({
    type: [String],
    description: 'Names of the query parameters given, never their values.',
    example: ['asOf'],
  })
  parameters!: string[];
  @ApiProperty({
    description: 'The purpose the auditor stated.',
    example: 'Ankestyrelsen j.nr. 26-1234, praksisundersøgelse',
  })
  purpose!: string;
  @ApiProperty({
    description: 'When the read was made (service clock).',
    example: '2026-12-01T09:14:03.120Z',
  })
  at!: string;
  @ApiProperty({ description: 'When the record was stored.', example: '2026-12-01T09:14:03.125Z' })
  recordedAt!: string;
}

export class AccessLogPage {
  @ApiProperty({ type: [AccessLogEntryDto], description: 'Oldest first.' })
  items!: AccessLogEntryDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Send as `cursor` for the next page; null on the last.',
  })
  next!: string | null;
  @ApiProperty({ example: '2026-11-24T09:00:00.000Z' })
  from!: string;
  @ApiProperty({ example: '2026-12-01T09:00:00.000Z' })
  to!: string;
}
