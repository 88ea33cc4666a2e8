import { isEmail, type ValidationOptions } from 'class-validator';
import { ALERT_KINDS, DELIVERY_STATUSES } from '@fristvagt/alerts';
import { codeValidator, IsOneOf } from '../../http/validators';

// No message repeats the value, which for a webhook URL may carry the receiver's own token.

/** RFC 5321's limit on a forward path. */
export const MAX_EMAIL_LENGTH = 254;
export const DELIVERY_KINDS = [...ALERT_KINDS, 'digest'] as const;

export const IsAlertKind = (options?: ValidationOptions) => IsOneOf('unknown-kind', ALERT_KINDS, options);

export const IsDeliveryKind = (options?: ValidationOptions) =>
  IsOneOf('unknown-kind', DELIVERY_KINDS, options);

export const IsDeliveryStatus = (options?: ValidationOptions) =>
  IsOneOf('invalid-status', DELIVERY_STATUSES, options);

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
