import { buildMessage, ValidateBy, type ValidationOptions } from 'class-validator';
import {
  containsCprNumber,
  identifier,
  isUtcInstant,
  isValidLocalDate,
  kommunekode,
  parseCpr,
} from '@fristvagt/domain';

/** The domain's refusal code for a CPR number, or undefined when it parses; the two validators below split it. */
function cprRefusal(value: string): string | undefined {
  const parsed = parseCpr(value);
  return parsed.ok ? undefined : parsed.error.code;
}

// Each validator is named by the stable code it reports (see problems/input-validation.ts), and every
// check is the domain's own, so the API refuses exactly what the deciders would.

export const IsUtcInstant = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'invalid-instant',
      validator: {
        validate: (value) => typeof value === 'string' && isUtcInstant(value),
        defaultMessage: buildMessage(
          (each) => `${each}$property must be an ISO-8601 UTC instant ending in Z, e.g. 2026-03-25T10:00:00Z`,
          options,
        ),
      },
    },
    options,
  );

export const IsLocalDate = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'invalid-date',
      validator: {
        validate: (value) => typeof value === 'string' && isValidLocalDate(value),
        defaultMessage: buildMessage(
          (each) => `${each}$property must be an existing calendar date, YYYY-MM-DD`,
          options,
        ),
      },
    },
    options,
  );

export const IsKommunekode = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'invalid-municipality',
      validator: {
        validate: (value) => kommunekode(value, 'municipality') === undefined,
        defaultMessage: buildMessage((each) => `${each}$property must be a three-digit kommunekode`, options),
      },
    },
    options,
  );

/** The domain's refusal code for an id, or undefined when it may be used. */
const idRefusal = (value: unknown): string | undefined => identifier(value, 'id')?.code;

/**
 * An opaque id chosen by the case system: 1-100 letters, digits, '.', '_' or '-' (`invalid-id`), and never
 * CPR-shaped (`id-looks-like-cpr`, the code a path parameter gets for the same mistake). One of the two
 * fails at most.
 */
export const IsOpaqueId =
  (options?: ValidationOptions): PropertyDecorator =>
  (target, property) => {
    ValidateBy(
      {
        name: 'invalid-id',
        validator: {
          validate: (value) => idRefusal(value) !== 'invalid-id',
          defaultMessage: buildMessage(
            (each) => `${each}$property must be 1-100 letters, digits, '.', '_' or '-'`,
            options,
          ),
        },
      },
      options,
    )(target, property);
    ValidateBy(
      {
        name: 'id-looks-like-cpr',
        validator: {
          validate: (value) => idRefusal(value) !== 'id-looks-like-cpr',
          defaultMessage: buildMessage(
            (each) => `${each}$property looks like a CPR number; use an opaque identifier`,
            options,
          ),
        },
      },
      options,
    )(target, property);
  };

export const IsCprNumber = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'cpr-malformed',
      validator: {
        validate: (value) => typeof value === 'string' && cprRefusal(value) !== 'cpr-malformed',
        defaultMessage: buildMessage(
          (each) => `${each}$property must be a CPR number, DDMMYY-SSSS or DDMMYYSSSS`,
          options,
        ),
      },
    },
    options,
  );

/** Runs after IsCprNumber: the digits must encode a real birth date (the 7th digit gives the century). */
export const IsPossibleCprDate = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'cpr-impossible-date',
      validator: {
        validate: (value) => typeof value !== 'string' || cprRefusal(value) !== 'cpr-impossible-date',
        defaultMessage: buildMessage((each) => `${each}$property does not encode a real birth date`, options),
      },
    },
    options,
  );

/** Free text is stored in the event log as written; a CPR number in it would be stored in clear, so refuse it. */
export const HasNoCprNumber = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'cpr-in-free-text',
      validator: {
        validate: (value) => typeof value !== 'string' || !containsCprNumber(value),
        defaultMessage: buildMessage(
          (each) =>
            `${each}$property seems to contain a CPR number; free text must not identify the youth, the case does`,
          options,
        ),
      },
    },
    options,
  );
