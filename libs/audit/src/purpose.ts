import { containsCprNumber } from '@fristvagt/domain';

/** The header an auditor states the purpose of a read in: UTF-8, percent-encoded where not plain ASCII. */
export const PURPOSE_HEADER = 'X-Audit-Purpose';
/** The query parameter that may carry it instead (for EventSource, which cannot set headers). */
export const PURPOSE_PARAMETER = 'purpose';

export const MIN_PURPOSE_LENGTH = 5;
export const MAX_PURPOSE_LENGTH = 200;

/**
 * Letters of any script (Danish æ, ø, å), digits, spaces and the punctuation a case reference or a short
 * sentence needs. No control characters, angle brackets or backslashes: the purpose is shown to admins and
 * exported, so nothing that could be markup or an escape.
 */
const PURPOSE_CHARACTERS = /^[\p{L}\p{N} .,:;!?'"()/#§&+_-]+$/u;

export type PurposeCheck =
  | { readonly ok: true; readonly purpose: string }
  | {
      readonly ok: false;
      readonly code: 'purpose-required' | 'invalid-purpose' | 'personal-data-in-purpose';
      readonly detail: string;
    };

/**
 * Whether `raw` (as sent; a repeated header or parameter arrives as an array) is an acceptable purpose: trimmed,
 * MIN_PURPOSE_LENGTH to MAX_PURPOSE_LENGTH characters of PURPOSE_CHARACTERS, and no CPR number. The problem's
 * detail never repeats the value.
 */
export function checkPurpose(raw: unknown): PurposeCheck {
  if (raw === undefined || raw === null || raw === '') {
    return {
      ok: false,
      code: 'purpose-required',
      detail: `An auditor's read needs its purpose: the header ${PURPOSE_HEADER} or the parameter ${PURPOSE_PARAMETER}.`,
    };
  }
  if (typeof raw !== 'string') {
    return { ok: false, code: 'invalid-purpose', detail: 'Give the purpose once.' };
  }
  const purpose = raw.trim();
  if (purpose.length < MIN_PURPOSE_LENGTH || purpose.length > MAX_PURPOSE_LENGTH) {
    return {
      ok: false,
      code: 'invalid-purpose',
      detail: `The purpose must be ${MIN_PURPOSE_LENGTH} to ${MAX_PURPOSE_LENGTH} characters.`,
    };
  }
  if (!PURPOSE_CHARACTERS.test(purpose)) {
    return {
      ok: false,
      code: 'invalid-purpose',
      detail: 'The purpose may hold letters, digits, spaces and . , : ; ! ? \' " ( ) / # § & + _ - only.',
    };
  }
  if (containsCprNumber(purpose)) {
    return {
      ok: false,
      code: 'personal-data-in-purpose',
      detail: 'The purpose must not hold a CPR number: name the case by its id or a journal number instead.',
    };
  }
  return { ok: true, purpose };
}

/** The header's value decoded (percent-encoded UTF-8); undefined when it is no valid encoding. */
export function decodePurposeHeader(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
