import {
  buildMessage,
  isEmail,
  ValidateBy,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';
import { ALERT_KINDS, DELIVERY_STATUSES } from '@fristvagt/alerts';
import { RULE_IDS } from '@fristvagt/domain';
import { parsePosition } from '@fristvagt/event-store';
import { decodeDeliveryCursor } from '../delivery-cursor';

// Each validator is named by the stable code it reports (problems/input-validation.ts); no message repeats
// the value, which for a webhook URL may carry the receiver's own token.

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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** RFC 5321's limit on a forward path. */
export const MAX_EMAIL_LENGTH = 254;
export const DELIVERY_KINDS = [...ALERT_KINDS, 'digest'] as const;

export const IsRuleId = (options?: ValidationOptions) =>
  codeValidator(
    'unknown-rule',
    (value) => (RULE_IDS as readonly unknown[]).includes(value),
    `must be a rule id: ${RULE_IDS.join(', ')}`,
    options,
  );

export const IsAlertKind = (options?: ValidationOptions) =>
  codeValidator(
    'unknown-kind',
    (value) => (ALERT_KINDS as readonly unknown[]).includes(value),
    `must be one of ${ALERT_KINDS.join(', ')}`,
    options,
  );

export const IsDeliveryKind = (options?: ValidationOptions) =>
  codeValidator(
    'unknown-kind',
    (value) => (DELIVERY_KINDS as readonly unknown[]).includes(value),
    `must be one of ${DELIVERY_KINDS.join(', ')}`,
    options,
  );

export const IsDeliveryStatus = (options?: ValidationOptions) =>
  codeValidator(
    'invalid-status',
    (value) => (DELIVERY_STATUSES as readonly unknown[]).includes(value),
    `must be one of ${DELIVERY_STATUSES.join(', ')}`,
    options,
  );

/** A string that fails IsString alone, not this as well. */
export const IsEmailAddress = () =>
  codeValidator(
    'invalid-email',
    (value) => typeof value !== 'string' || (value.length <= MAX_EMAIL_LENGTH && isEmail(value)),
    `must be an e-mail address such as tilsyn@kommune.dk, at most ${MAX_EMAIL_LENGTH} characters`,
  );

/** `url` belongs to a webhook channel and `address` to an e-mail channel; the other is not a field of it. */
export const OnlyForKind = (kind: 'webhook' | 'email') =>
  codeValidator(
    'unknown-field',
    (_value, args) => {
      const given = (args.object as { kind?: unknown }).kind;
      return given === kind || (given !== 'webhook' && given !== 'email');
    },
    `is a field of a ${kind} channel only`,
  );

export const IsUuid = (code: string) => codeValidator(code, (value) => isUuid(value), 'must be a UUID');

export const IsDeliveryCursor = () =>
  codeValidator(
    'invalid-cursor',
    (value) => decodeDeliveryCursor(value) !== undefined,
    'must be the `next` of a previous page, unchanged',
  );

export const IsPosition = () =>
  codeValidator(
    'invalid-position',
    (value) => typeof value === 'string' && parsePosition(value) !== undefined,
    'must be a position from Fristvagt, commit:prepare',
  );

/** Only for integers, so that a value that is not one fails IsInt alone, not the range as well. */
export const InRange = (min: number, max: number) =>
  codeValidator(
    'out-of-range',
    (value) => typeof value !== 'number' || !Number.isInteger(value) || (value >= min && value <= max),
    `must be from ${min} to ${max}`,
  );

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

const DECIMAL = /^-?\d{1,9}$/;

/** A query parameter that may repeat (`?kind=a&kind=b`) or list values with commas (`?kind=a,b`), as one list. */
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
