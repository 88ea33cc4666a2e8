import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsInt, IsOptional, type ValidationOptions } from 'class-validator';
import { IsKommunekode } from '../cases/dto/validators';
import { codeValidator, InRange, IsPosition } from './validators';

// The query parameters the read-model queries share (GET /v1/obligations, /v1/alerts/...): lists, read-your-
// writes and keyset paging, documented and refused alike everywhere.

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;
export const DEFAULT_WAIT_MS = 5_000;
export const MAX_WAIT_MS = 10_000;
/** More values than there are municipalities (98) is a mistake, not a query. */
const MAX_LIST_VALUES = 100;

const DECIMAL = /^-?\d{1,9}$/;
const LIST = { style: 'form', explode: true } as const;

/** A parameter that may repeat (`?rule=A&rule=B`) or list values with commas (`?rule=A,B`), as one list. */
export function toList({ value }: { value: unknown }): unknown {
  const values: unknown[] = Array.isArray(value) ? value : [value];
  return values.every((v) => typeof v === 'string')
    ? (values as string[]).flatMap((v) => v.split(','))
    : value;
}

/** Digits only: `1e2`, `0x10`, ` 5` and `5.0` stay strings and fail IsInt, rather than being read as numbers. */
export function toInteger({ value }: { value: unknown }): unknown {
  return typeof value === 'string' && DECIMAL.test(value) ? Number(value) : value;
}

/**
 * Decorators in the order they would stand above a field: TypeScript applies the lowest first, and so
 * class-validator checks (and reports) them in that order.
 */
function stacked(...decorators: PropertyDecorator[]): PropertyDecorator {
  return applyDecorators(...decorators.reverse());
}

/** A list parameter (see toList) of at most 100 values, each checked by `isEach`. */
export const ListParam = (
  doc: ApiPropertyOptions,
  isEach: (options: ValidationOptions) => PropertyDecorator,
) =>
  stacked(
    ApiPropertyOptional({ ...doc, ...LIST }),
    IsOptional(),
    Transform(toList),
    ArrayMaxSize(MAX_LIST_VALUES),
    isEach({ each: true }),
  );

export const MunicipalityParam = () =>
  ListParam(
    {
      description:
        "Kommunekoder to include; repeat the parameter or separate with commas. Default: every municipality of the API key. One outside the key's scope is refused with 403 municipality-out-of-scope.",
      type: [String],
      example: ['461'],
    },
    IsKommunekode,
  );

/** Read-your-writes: `what` names the position in the message of a refusal. */
export const MinPositionParam = (what: string) =>
  stacked(
    ApiPropertyOptional({
      description:
        'The `position` of a command response: the answer waits (up to `wait` ms) until the read model reflects that command. Whether it did is `readModel.reached`.',
      example: '7801234:55',
    }),
    IsOptional(),
    IsPosition(what),
  );

export const WaitParam = () =>
  stacked(
    ApiPropertyOptional({
      description: `How long to wait for minPosition, in milliseconds (0-${MAX_WAIT_MS}); ignored without minPosition. Default ${DEFAULT_WAIT_MS}.`,
      minimum: 0,
      maximum: MAX_WAIT_MS,
      default: DEFAULT_WAIT_MS,
      type: 'integer',
      example: 2000,
    }),
    IsOptional(),
    Transform(toInteger),
    IsInt(),
    InRange(0, MAX_WAIT_MS),
  );

/** `items`: what a page holds, as the description begins (`Obligations`). */
export const LimitParam = (items: string) =>
  stacked(
    ApiPropertyOptional({
      description: `${items} per page (1-${MAX_LIMIT}). Default ${DEFAULT_LIMIT}.`,
      minimum: 1,
      maximum: MAX_LIMIT,
      default: DEFAULT_LIMIT,
      type: 'integer',
      example: 100,
    }),
    IsOptional(),
    Transform(toInteger),
    IsInt(),
    InRange(1, MAX_LIMIT),
  );

/** The `next` of a previous page, as `decode` (a KeysetCursor's) reads it. */
export const CursorParam = (decode: (token: unknown) => unknown, example: string) =>
  stacked(
    ApiPropertyOptional({
      description:
        'The `next` of the previous page, unchanged (opaque); send the same filters with it. Absent: the first page.',
      example,
    }),
    IsOptional(),
    codeValidator(
      'invalid-cursor',
      (value) => decode(value) !== undefined,
      'must be the `next` of a previous page, unchanged',
    ),
  );

/** A page's `next`: what CursorParam takes back. */
export const NextPageProperty = () =>
  ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor`, with the same filters, for the next page; null on the last page.',
    example: null,
  });
