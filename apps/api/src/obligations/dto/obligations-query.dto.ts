import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  buildMessage,
  IsInt,
  IsOptional,
  ValidateBy,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';
import { isValidLocalDate, RULE_IDS, type RuleId } from '@fristvagt/domain';
import { parsePosition } from '@fristvagt/event-store';
import { OBLIGATION_STATES, type ObligationReadState, OPEN_STATES } from '@fristvagt/projections';
import { IsKommunekode } from '../../cases/dto/validators';
import { decodeCursor } from '../obligation-cursor';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;
export const DEFAULT_WAIT_MS = 5_000;
export const MAX_WAIT_MS = 10_000;
/** More values than there are municipalities (98) is a mistake, not a query. */
const MAX_LIST_VALUES = 100;

// An instant with its offset: Z, or ±HH:MM (in a URL the + must be sent as %2B). Seconds are required and
// milliseconds the finest precision, as for every other instant of the API.
const INSTANT =
  /^(\d{4}-\d{2}-\d{2})T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,3})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DECIMAL = /^-?\d{1,9}$/;

/** An ISO-8601 instant with Z or an offset, as UTC ISO (`...Z`); undefined for anything else. */
export function toUtcInstant(value: unknown): string | undefined {
  const match = typeof value === 'string' ? INSTANT.exec(value) : null;
  if (match === null || !isValidLocalDate(match[1])) return undefined;
  const ms = Date.parse(value as string);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** A parameter that may repeat (`?rule=A&rule=B`) or list values with commas (`?rule=A,B`), as one list. */
function toList({ value }: { value: unknown }): unknown {
  const values: unknown[] = Array.isArray(value) ? value : [value];
  return values.every((v) => typeof v === 'string')
    ? (values as string[]).flatMap((v) => v.split(','))
    : value;
}

/** Digits only: `1e2`, `0x10`, ` 5` and `5.0` stay strings and fail IsInt, rather than being read as numbers. */
function toInteger({ value }: { value: unknown }): unknown {
  return typeof value === 'string' && DECIMAL.test(value) ? Number(value) : value;
}

// Each validator is named by the stable code it reports (problems/input-validation.ts); no message
// repeats the value.

function codeValidator(
  code: string,
  validate: (value: unknown, args: ValidationArguments) => boolean,
  message: string,
  options?: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name: code,
      validator: {
        validate,
        defaultMessage: buildMessage((each) => `${each}$property ${message}`, options),
      },
    },
    options,
  );
}

const IsRuleId = (options?: ValidationOptions) =>
  codeValidator(
    'unknown-rule',
    (value) => (RULE_IDS as readonly unknown[]).includes(value),
    `must be a rule id: ${RULE_IDS.join(', ')}`,
    options,
  );

const IsObligationState = (options?: ValidationOptions) =>
  codeValidator(
    'invalid-state',
    (value) => (OBLIGATION_STATES as readonly unknown[]).includes(value),
    `must be one of ${OBLIGATION_STATES.join(', ')}`,
    options,
  );

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

/** Only for integers, so that a value that is not one fails IsInt alone, not the range as well. */
const InRange = (min: number, max: number) =>
  codeValidator(
    'out-of-range',
    (value) => typeof value !== 'number' || !Number.isInteger(value) || (value >= min && value <= max),
    `must be from ${min} to ${max}`,
  );

const IsCaseId = () =>
  codeValidator(
    'invalid-case-id',
    (value) => typeof value === 'string' && UUID.test(value),
    'must be a UUID',
  );

const IsCursor = () =>
  codeValidator(
    'invalid-cursor',
    (value) => decodeCursor(value) !== undefined,
    'must be the `next` of a previous page, unchanged',
  );

const IsPosition = () =>
  codeValidator(
    'invalid-position',
    (value) => typeof value === 'string' && parsePosition(value) !== undefined,
    'must be the `position` of a command response, commit:prepare',
  );

const LIST = {
  style: 'form',
  explode: true,
} as const;

/** The filters both obligation queries take, and read-your-writes. */
export class ObligationFiltersDto {
  @ApiPropertyOptional({
    description:
      "Kommunekoder to include; repeat the parameter or separate with commas. Default: every municipality of the API key. One outside the key's scope is refused with 403 municipality-out-of-scope.",
    type: [String],
    ...LIST,
    example: ['461'],
  })
  @IsOptional()
  @Transform(toList)
  @ArrayMaxSize(MAX_LIST_VALUES)
  @IsKommunekode({ each: true })
  municipality?: string[];

  @ApiPropertyOptional({
    description: 'Rule ids to include; repeat the parameter or separate with commas. Default: every rule.',
    enum: RULE_IDS,
    isArray: true,
    ...LIST,
    example: ['NSR-CONVENE', 'NSR-HOLD'],
  })
  @IsOptional()
  @Transform(toList)
  @ArrayMaxSize(MAX_LIST_VALUES)
  @IsRuleId({ each: true })
  rule?: RuleId[];

  @ApiPropertyOptional({
    description: `States to include; repeat the parameter or separate with commas. Default: the open ones, ${OPEN_STATES.join(', ')}. \`due-soon\`: warned, not yet due; \`breached\`: past its due and still open.`,
    enum: OBLIGATION_STATES,
    isArray: true,
    ...LIST,
    example: ['due-soon', 'breached'],
  })
  @IsOptional()
  @Transform(toList)
  @ArrayMaxSize(MAX_LIST_VALUES)
  @IsObligationState({ each: true })
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
  @IsCaseId()
  caseId?: string;

  @ApiPropertyOptional({
    description:
      'The `position` of a command response: the answer waits (up to `wait` ms) until the read model reflects that command. Whether it did is `readModel.reached`.',
    example: '7801234:55',
  })
  @IsOptional()
  @IsPosition()
  minPosition?: string;

  @ApiPropertyOptional({
    description: `How long to wait for minPosition, in milliseconds (0-${MAX_WAIT_MS}); ignored without minPosition. Default ${DEFAULT_WAIT_MS}.`,
    minimum: 0,
    maximum: MAX_WAIT_MS,
    default: DEFAULT_WAIT_MS,
    type: 'integer',
    example: 2000,
  })
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @InRange(0, MAX_WAIT_MS)
  wait?: number;
}

/** GET /v1/obligations: the filters, and a page. */
export class ObligationsQueryDto extends ObligationFiltersDto {
  @ApiPropertyOptional({
    description: `Obligations per page (1-${MAX_LIMIT}). Default ${DEFAULT_LIMIT}.`,
    minimum: 1,
    maximum: MAX_LIMIT,
    default: DEFAULT_LIMIT,
    type: 'integer',
    example: 100,
  })
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @InRange(1, MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({
    description:
      'The `next` of the previous page, unchanged (opaque); send the same filters with it. Absent: the first page.',
    example:
      'eyJkdWVTb3J0IjoiMjAyNi0wNC0wMVQyMTo1OTo1OS45OTkwMDBaIiwiY2FzZUlkIjoiMGI2ZjNjMWUtOWY0YS01ZDJiLThjMWUtMmE3ZDRlNmY4YTkwIiwib2JsaWdhdGlvbklkIjoiTlNSLUNPTlZFTkU6ZG9jdW1lbnRhdGlvbjpwb2wtMjAyNi0wMDQyIn0',
  })
  @IsOptional()
  @IsCursor()
  cursor?: string;
}
