import { buildMessage, ValidateBy, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { RULE_IDS } from '@fristvagt/domain';
import { parsePosition } from '@fristvagt/event-store';

// Each validator is named by the stable code it reports (problems/input-validation.ts); no message repeats
// the value, which for a webhook URL may carry the receiver's own token.

/** A class-validator constraint named by its stable code, with a message that follows the field's name. */
export function codeValidator(
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

export const IsUuid = (code: string) => codeValidator(code, (value) => isUuid(value), 'must be a UUID');

/** Only for integers, so that a value that is not one fails IsInt alone, not the range as well. */
export const InRange = (min: number, max: number) =>
  codeValidator(
    'out-of-range',
    (value) => typeof value !== 'number' || !Number.isInteger(value) || (value >= min && value <= max),
    `must be from ${min} to ${max}`,
  );

/** A global position, `commit:prepare`; `what` says where the client got it, for the message. */
export const IsPosition = (what: string) =>
  codeValidator(
    'invalid-position',
    (value) => typeof value === 'string' && parsePosition(value) !== undefined,
    `must be ${what}, commit:prepare`,
  );

/** One of `values`, refused as `code`. */
export const IsOneOf = (code: string, values: readonly unknown[], options?: ValidationOptions) =>
  codeValidator(code, (value) => values.includes(value), `must be one of ${values.join(', ')}`, options);

export const IsRuleId = (options?: ValidationOptions) =>
  codeValidator(
    'unknown-rule',
    (value) => (RULE_IDS as readonly unknown[]).includes(value),
    `must be a rule id: ${RULE_IDS.join(', ')}`,
    options,
  );
