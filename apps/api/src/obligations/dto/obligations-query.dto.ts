import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, type ValidationOptions } from 'class-validator';
import { isValidLocalDate, RULE_IDS, type RuleId } from '@fristvagt/domain';
import { OBLIGATION_STATES, type ObligationReadState, OPEN_STATES } from '@fristvagt/projections';
import {
  CursorParam,
  LimitParam,
  ListParam,
  MinPositionParam,
  MunicipalityParam,
  WaitParam,
} from '../../http/query-params';
import { codeValidator, IsOneOf, IsRuleId, IsUuid } from '../../http/validators';
import { decodeCursor } from '../obligation-cursor';

// An instant with its offset: Z, or ±HH:MM (in a URL the + must be sent as %2B). Seconds are required and
// milliseconds the finest precision, as for every other instant of the API.
const INSTANT =
  /^(\d{4}-\d{2}-\d{2})T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,3})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/** An ISO-8601 instant with Z or an offset, as UTC ISO (`...Z`); undefined for anything else. */
export function toUtcInstant(value: unknown): string | undefined {
  const match = typeof value === 'string' ? INSTANT.exec(value) : null;
  if (match === null || !isValidLocalDate(match[1])) return undefined;
  const ms = Date.parse(value as string);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

const IsObligationState = (options?: ValidationOptions) =>
  IsOneOf('invalid-state', OBLIGATION_STATES, options);

const IsInstant = (options?: ValidationOptions) =>
  codeValidator(
    'invalid-instant',
    (value) => toUtcInstant(value) !== undefined,
    'must be an ISO-8601 instant with Z or an offset, e.g. 2026-04-01T00:00:00Z or 2026-04-01T00:00:00%2B02:00',
    options,
  );

/** dueBefore may not lie before dueAfter: such a window is a mistake, not a question with an empty answer. */
const NotBeforeDueAfter = () =>
  codeValidator(
    'invalid-range',
    (value, args) => {
      const before = toUtcInstant(value);
      const after = toUtcInstant((args.object as ObligationFiltersDto).dueAfter);
      return before === undefined || after === undefined || before >= after;
    },
    'must not be before dueAfter',
  );

/** The filters both obligation queries take, and read-your-writes. */
export class ObligationFiltersDto {
  @MunicipalityParam()
  municipality?: string[];

  @ListParam(
    {
      description: 'Rule ids to include; repeat the parameter or separate with commas. Default: every rule.',
      enum: RULE_IDS,
      isArray: true,
      example: ['NSR-CONVENE', 'NSR-HOLD'],
    },
    IsRuleId,
  )
  rule?: RuleId[];

  @ListParam(
    {
      description: `States to include; repeat the parameter or separate with commas. Default: the open ones, ${OPEN_STATES.join(', ')}. \`due-soon\`: warned, not yet due; \`breached\`: past its due and still open.`,
      enum: OBLIGATION_STATES,
      isArray: true,
      example: ['due-soon', 'breached'],
    },
    IsObligationState,
  )
  state?: ObligationReadState[];

  @ApiPropertyOptional({
    description:
      'Only obligations due at or after this instant (ISO-8601 with Z or an offset; send + as %2B). Obligations without a due are left out.',
    format: 'date-time',
    example: '2026-04-01T00:00:00Z',
  })
  @IsOptional()
  @IsInstant()
  dueAfter?: string;

  @ApiPropertyOptional({
    description:
      'Only obligations due at or before this instant (ISO-8601 with Z or an offset; send + as %2B); not before dueAfter. Obligations without a due are left out.',
    format: 'date-time',
    example: '2026-04-30T23:59:59+02:00',
  })
  @IsOptional()
  @IsInstant()
  @NotBeforeDueAfter()
  dueBefore?: string;

  @ApiPropertyOptional({
    description: "One case's obligations.",
    format: 'uuid',
    example: '0b6f3c1e-9f4a-5d2b-8c1e-2a7d4e6f8a90',
  })
  @IsOptional()
  @IsUuid('invalid-case-id')
  caseId?: string;

  @MinPositionParam('the `position` of a command response')
  minPosition?: string;

  @WaitParam()
  wait?: number;
}

/** GET /v1/obligations: the filters, and a page. */
export class ObligationsQueryDto extends ObligationFiltersDto {
  @LimitParam('Obligations')
  limit?: number;

  @CursorParam(
    decodeCursor,
    'eyJkdWVTb3J0IjoiMjAyNi0wNC0wMVQyMTo1OTo1OS45OTkwMDBaIiwiY2FzZUlkIjoiMGI2ZjNjMWUtOWY0YS01ZDJiLThjMWUtMmE3ZDRlNmY4YTkwIiwib2JsaWdhdGlvbklkIjoiTlNSLUNPTlZFTkU6ZG9jdW1lbnRhdGlvbjpwb2wtMjAyNi0wMDQyIn0',
  )
  cursor?: string;
}
