import { randomBytes } from 'node:crypto';
import type { CprEncryptionKey, CprKeys } from '@fristvagt/config';
import type { PersonReference } from '@fristvagt/domain';
import { AesGcmCprProtector, CprProtectionError } from './aes-gcm-cpr-protector';

const CPR = '0707614285';
const OTHER_CPR = '2512489996';
const key = (id: string): CprEncryptionKey => ({ id, key: randomBytes(32) });
const lookupKey = randomBytes(32);
const ring = (...encryptionKeys: CprEncryptionKey[]): CprKeys => ({ encryptionKeys, lookupKey });

function revealError(protector: AesGcmCprProtector, person: PersonReference): CprProtectionError {
  try {
    protector.reveal(person);
  } catch (error) {
    if (error instanceof CprProtectionError) return error;
    throw error;
  }
  throw new Error('expected reveal to fail');
}

/** Flips one bit of a base64url part of the ciphertext. */
function tamper(ciphertext: string, part: 2 | 3 | 4): string {
  const parts = ciphertext.split('.');
  const bytes = Buffer.from(parts[part]!, 'base64url');
  bytes[0] ^= 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('AesGcmCprProtector', () => {
  const k2025 = key('k2025');
  const k2026 = key('k2026');

  it('reveals what it protected, writing v1.<keyId>.<iv>.<ciphertext>.<tag> without the number', () => {
    const protector = new AesGcmCprProtector(ring(k2025));
    const person = protector.protect(CPR);
    expect(person.cprCiphertext).toMatch(/^v1\.k2025\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(person.cprCiphertext).not.toContain(CPR);
    expect(protector.reveal(person)).toBe(CPR);
  });

  it('encrypts the same number differently every time (random IV), with one lookup hash', () => {
    const protector = new AesGcmCprProtector(ring(k2025));
    const a = protector.protect(CPR);
    const b = protector.protect(CPR);
    expect(a.cprCiphertext).not.toBe(b.cprCiphertext);
    expect(a.cprLookupHash).toBe(b.cprLookupHash);
    expect(a.cprLookupHash).toBe(protector.lookupHash(CPR));
    expect(a.cprLookupHash).not.toBe(protector.lookupHash(OTHER_CPR));
    expect(a.cprLookupHash).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('after a rotation encrypts with the new first key and still reads the old ciphertexts', () => {
    const before = new AesGcmCprProtector(ring(k2025));
    const old = before.protect(CPR);
    const after = new AesGcmCprProtector(ring(k2026, k2025));

    const fresh = after.protect(OTHER_CPR);

    expect(fresh.cprCiphertext.startsWith('v1.k2026.')).toBe(true);
    expect(after.reveal(old)).toBe(CPR);
    expect(after.reveal(fresh)).toBe(OTHER_CPR);
  });

  it('keeps the lookup hash across rotations: it depends on the lookup key only', () => {
    const before = new AesGcmCprProtector(ring(k2025));
    const after = new AesGcmCprProtector(ring(k2026, k2025));
    expect(after.protect(CPR).cprLookupHash).toBe(before.protect(CPR).cprLookupHash);
    const otherLookupKey = new AesGcmCprProtector({ encryptionKeys: [k2025], lookupKey: randomBytes(32) });
    expect(otherLookupKey.lookupHash(CPR)).not.toBe(before.lookupHash(CPR));
  });

  it('refuses a ciphertext whose key was dropped from the ring', () => {
    const old = new AesGcmCprProtector(ring(k2025)).protect(CPR);
    const error = revealError(new AesGcmCprProtector(ring(k2026)), old);
    expect(error.code).toBe('cpr-ciphertext-invalid');
    expect(error.message).toBe('The CPR ciphertext names a key id that is not in CPR_ENCRYPTION_KEYS');
  });

  it.each([
    ['the IV', 2],
    ['the ciphertext', 3],
    ['the tag', 4],
  ] as const)('detects a change to %s', (_part, index) => {
    const protector = new AesGcmCprProtector(ring(k2025));
    const person = protector.protect(CPR);
    const error = revealError(protector, { ...person, cprCiphertext: tamper(person.cprCiphertext, index) });
    expect(error.message).toBe('The CPR ciphertext failed authentication (wrong key or altered text)');
  });

  it('detects a ciphertext relabelled with another key id, even one whose key is in the ring', () => {
    const protector = new AesGcmCprProtector(ring(k2026, { id: 'copy', key: k2026.key }));
    const person = protector.protect(CPR);
    const relabelled = person.cprCiphertext.replace('.k2026.', '.copy.');
    expect(() => protector.reveal({ ...person, cprCiphertext: relabelled })).toThrow(/failed authentication/);
  });

  it('detects a ciphertext made with a different key under the same id', () => {
    const theirs = new AesGcmCprProtector(ring(key('k2025'))).protect(CPR);
    const error = revealError(new AesGcmCprProtector(ring(k2025)), theirs);
    expect(error.message).toMatch(/failed authentication/);
  });

  it.each(['', 'plain text', `v2.k2025.a.b.c`, 'v1.k2025.AAAA.AAAA', 'v1.k2025.AAAA.AA*A.AAAA', CPR])(
    'refuses the malformed ciphertext %j',
    (cprCiphertext) => {
      const error = revealError(new AesGcmCprProtector(ring(k2025)), { cprCiphertext, cprLookupHash: 'x' });
      expect(error.code).toBe('cpr-ciphertext-invalid');
    },
  );

  it('never puts a CPR number in an error message', () => {
    const protector = new AesGcmCprProtector(ring(k2025));
    const messages: string[] = [];
    const collect = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        messages.push((error as Error).message);
      }
    };
    collect(() => protector.protect(`${CPR.slice(0, 6)}-${CPR.slice(6)}`));
    collect(() => protector.lookupHash(`${CPR}0`));
    collect(() => protector.reveal({ cprCiphertext: CPR, cprLookupHash: CPR }));
    const person = protector.protect(CPR);
    collect(() => protector.reveal({ ...person, cprCiphertext: tamper(person.cprCiphertext, 3) }));
    collect(() => new AesGcmCprProtector(ring(key('k2026'))).reveal(person));
    expect(messages).toHaveLength(5);
    for (const message of messages) expect(message).not.toMatch(/\d{6}-?\d{4}/);
  });

  it('hashes only normalized numbers, so equal numbers always meet under one hash', () => {
    const protector = new AesGcmCprProtector(ring(k2025));
    expect(() => protector.lookupHash('070761-4285')).toThrow(CprProtectionError);
    expect(() => protector.protect(' 0707614285')).toThrow(/normalized CPR number/);
  });

  it('keeps keyed hashes of other text apart from CPR lookup hashes', () => {
    const protector = new AesGcmCprProtector(ring(k2025));
    expect(protector.keyedHash('idempotency-key-1')).toBe(protector.keyedHash('idempotency-key-1'));
    expect(protector.keyedHash('idempotency-key-1')).not.toBe(protector.keyedHash('idempotency-key-2'));
    expect(protector.keyedHash(CPR)).not.toBe(protector.lookupHash(CPR));
  });

  it('refuses an empty key ring or a key of the wrong size', () => {
    expect(() => new AesGcmCprProtector(ring())).toThrow(RangeError);
    expect(() => new AesGcmCprProtector(ring({ id: 'short', key: randomBytes(16) }))).toThrow(/32 bytes/);
  });
});
