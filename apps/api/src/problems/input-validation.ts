import {
  type ArgumentMetadata,
  HttpException,
  HttpStatus,
  Injectable,
  ValidationPipe,
  type ValidationError,
} from '@nestjs/common';
import { containsCprNumber } from '@fristvagt/domain';
import type { InputError } from './problem';

/** class-validator's constraint names that are not already stable kebab-case codes. */
const CONSTRAINT_CODES: Readonly<Record<string, string>> = {
  whitelistValidation: 'unknown-field',
  isDefined: 'required',
  isNotEmpty: 'required',
  isString: 'invalid-type',
  isBoolean: 'invalid-type',
  isInt: 'invalid-type',
  isArray: 'invalid-type',
  isObject: 'invalid-type',
  nestedValidation: 'invalid-type',
  isIn: 'invalid-value',
  isEnum: 'invalid-value',
  min: 'out-of-range',
  max: 'out-of-range',
  maxLength: 'too-long',
  minLength: 'too-short',
  arrayMinSize: 'too-few-items',
  arrayMaxSize: 'too-many-items',
  matches: 'invalid-format',
};

/** `isString` → `invalid-type`; our own validators are named by their code already (`invalid-instant`). */
export function constraintCode(constraint: string): string {
  return CONSTRAINT_CODES[constraint] ?? constraint.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** Said instead of a name the caller sent that is not repeated. */
export const UNSHOWN_FIELD = '(a field whose name is not repeated)';

/**
 * A property name as the problem may repeat it. Unknown fields are named by the caller, in a body or a query
 * string, and a CPR number sent as a name must not come back in the answer (or the logs) any more than one sent
 * as a value. A name is repeated as sent (`a.b`, `$where`, `occurredAt ` with its space: the caller must see
 * which one is meant) unless it holds a CPR number in any written form, a control character, or is too long to
 * be a field name.
 */
function shownName(property: string): string {
  // eslint-disable-next-line no-control-regex
  return property.length <= 100 && !/[\u0000-\u001f\u007f]/.test(property) && !containsCprNumber(property)
    ? property
    : UNSHOWN_FIELD;
}

/** One InputError per failed constraint, with paths like `invitees[0].role`; messages never echo values. */
export function flattenValidationErrors(errors: readonly ValidationError[], parent = ''): InputError[] {
  const flat: InputError[] = [];
  for (const error of errors) {
    const property = shownName(error.property);
    const field =
      parent !== '' && /^\d+$/.test(property)
        ? `${parent}[${property}]`
        : parent === ''
          ? property
          : `${parent}.${property}`;
    // A nested object's own errors say more than "must be an object", so report those first.
    if (error.children !== undefined && error.children.length > 0) {
      flat.push(...flattenValidationErrors(error.children, field));
    }
    for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
      if (constraint === 'nestedValidation' && (error.children?.length ?? 0) > 0) continue;
      const detail =
        constraint === 'whitelistValidation'
          ? `${field} is not a field of this request`
          : message.replace(/^\S+/, field);
      flat.push({ field, code: constraintCode(constraint), detail });
    }
  }
  return flat;
}

export function inputProblem(errors: readonly InputError[], status = HttpStatus.BAD_REQUEST): HttpException {
  const [first] = errors;
  return new HttpException(
    {
      code: errors.length === 1 ? first.code : 'validation-failed',
      field: first?.field,
      detail: errors.map((error) => error.detail).join('; '),
      errors,
    },
    status,
  );
}

/**
 * The global pipe: class-validator on every DTO, unknown fields refused, and every failure a 400
 * problem+json naming the field with a stable code. A body that is not a JSON object is refused before
 * class-transformer sees it (an array would otherwise pass as "no errors").
 */
@Injectable()
export class InputValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => inputProblem(flattenValidationErrors(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const isDto = typeof metadata.metatype === 'function' && this.toValidate(metadata);
    if (
      isDto &&
      (metadata.type === 'body' || metadata.type === 'query') &&
      (typeof value !== 'object' || value === null || Array.isArray(value))
    ) {
      throw inputProblem([
        {
          field: metadata.type,
          code: 'invalid-body',
          detail: `the ${metadata.type} must be a JSON object`,
        },
      ]);
    }
    return super.transform(value, metadata);
  }
}
