import type { PersonReference } from '@fristvagt/domain';

/**
 * Protects CPR numbers at rest: authenticated encryption with a key ring from configuration (the first
 * key encrypts, every key decrypts, so keys can be rotated), and a keyed hash to find a case by CPR.
 * Implementations never log or echo a CPR number.
 */
export interface CprProtector {
  /** Ciphertext and lookup hash of a normalized CPR number ('DDMMYYSSSS'). */
  protect(normalizedCpr: string): PersonReference;
  /** The keyed hash only, to look cases up; equal for equal numbers, whichever key encrypted them. */
  lookupHash(normalizedCpr: string): string;
  /** The normalized CPR number; throws (without the number in the message) if the ciphertext fails authentication. */
  reveal(person: PersonReference): string;
  /** HMAC of arbitrary text with the lookup key, for values that must not be stored in clear (idempotency keys). */
  keyedHash(text: string): string;
}

export const CPR_PROTECTOR = Symbol('CprProtector');
