import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { CprKeys } from '@fristvagt/config';
import type { PersonReference } from '@fristvagt/domain';
import type { CprProtector } from './cpr-protector';

/** Why a CPR number could not be protected or revealed. The message never contains the number. */
export class CprProtectionError extends Error {
  constructor(
    readonly code: 'cpr-not-normalized' | 'cpr-ciphertext-invalid',
    message: string,
  ) {
    super(message);
    this.name = 'CprProtectionError';
  }
}

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
// Bound into every ciphertext as additional authenticated data, with the key id: a ciphertext made for
// another purpose with the same key, or relabelled with another key id, fails authentication.
const AAD_CONTEXT = 'fristvagt:cpr:v1';
// Separate HMAC domains, so the lookup hash of a CPR number never equals the keyed hash of the same text.
const LOOKUP_DOMAIN = 'fristvagt:cpr-lookup:v1\0';
const KEYED_HASH_DOMAIN = 'fristvagt:keyed-hash:v1\0';

const NORMALIZED_CPR = /^\d{10}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * AES-256-GCM with a random 96-bit IV per ciphertext, written `v1.<keyId>.<iv>.<ciphertext>.<tag>`
 * (base64url parts). The first key of the ring encrypts and every key decrypts, so a key is rotated by
 * putting a new one first and keeping the old ones until nothing encrypted with them is left. The lookup
 * hash is HMAC-SHA256 with its own key, independent of the encryption keys, so it survives rotation.
 */
export class AesGcmCprProtector implements CprProtector {
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly encryptingKeyId: string;
  private readonly lookupKey: Buffer;

  constructor(keys: CprKeys) {
    const first = keys.encryptionKeys[0];
    if (first === undefined) throw new RangeError('AesGcmCprProtector needs at least one encryption key');
    for (const { id, key } of keys.encryptionKeys) {
      if (key.length !== 32) throw new RangeError(`CPR encryption key "${id}" must be 32 bytes`);
    }
    this.keys = new Map(keys.encryptionKeys.map(({ id, key }) => [id, Buffer.from(key)]));
    this.encryptingKeyId = first.id;
    this.lookupKey = Buffer.from(keys.lookupKey);
  }

  protect(normalizedCpr: string): PersonReference {
    requireNormalized(normalizedCpr);
    return { cprCiphertext: this.encrypt(normalizedCpr), cprLookupHash: this.lookupHash(normalizedCpr) };
  }

  lookupHash(normalizedCpr: string): string {
    requireNormalized(normalizedCpr);
    return this.hmac(LOOKUP_DOMAIN + normalizedCpr);
  }

  reveal(person: PersonReference): string {
    const parts = typeof person?.cprCiphertext === 'string' ? person.cprCiphertext.split('.') : [];
    const [version, keyId, iv, body, tag] = parts;
    if (
      parts.length !== 5 ||
      version !== VERSION ||
      ![iv, body, tag].every((part) => part !== undefined && BASE64URL.test(part))
    ) {
      throw invalid('is not a Fristvagt CPR ciphertext');
    }
    const key = this.keys.get(keyId!);
    if (key === undefined) throw invalid('names a key id that is not in CPR_ENCRYPTION_KEYS');
    const ivBytes = Buffer.from(iv!, 'base64url');
    const tagBytes = Buffer.from(tag!, 'base64url');
    if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) throw invalid('is malformed');
    let plaintext: string;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, ivBytes, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(keyId!));
      decipher.setAuthTag(tagBytes);
      plaintext = Buffer.concat([
        decipher.update(Buffer.from(body!, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      // Node's own message says nothing about the data, but it is replaced anyway so no cause can leak.
      throw invalid('failed authentication (wrong key or altered text)');
    }
    if (!NORMALIZED_CPR.test(plaintext)) throw invalid('does not hold a normalized CPR number');
    return plaintext;
  }

  keyedHash(text: string): string {
    return this.hmac(KEYED_HASH_DOMAIN + text);
  }

  private encrypt(normalizedCpr: string): string {
    const key = this.keys.get(this.encryptingKeyId)!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(this.encryptingKeyId));
    const body = Buffer.concat([cipher.update(normalizedCpr, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, this.encryptingKeyId, iv, body, tag]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  private hmac(text: string): string {
    return createHmac('sha256', this.lookupKey).update(text, 'utf8').digest('base64url');
  }
}

function aad(keyId: string): Buffer {
  return Buffer.from(`${AAD_CONTEXT}|${keyId}`, 'utf8');
}

function requireNormalized(value: string): void {
  if (typeof value !== 'string' || !NORMALIZED_CPR.test(value)) {
    throw new CprProtectionError(
      'cpr-not-normalized',
      'Expected a normalized CPR number (ten digits); use parseCpr first',
    );
  }
}

function invalid(reason: string): CprProtectionError {
  return new CprProtectionError('cpr-ciphertext-invalid', `The CPR ciphertext ${reason}`);
}
