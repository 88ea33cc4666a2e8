import { createPublicKey, generateKeyPairSync, KeyObject, sign, verify } from 'node:crypto';
import { merkleRoot, sortHeads, StreamHead } from './merkle';

/**
 * A sealed checkpoint as stored and exported (`GET /v1/audit/checkpoints`, `verify --against file.json`).
 * The signature (Ed25519, base64) covers `signedPart(checkpoint)`: the JSON object of every field but the
 * leaves and the signature, keys in alphabetical order, no whitespace; the leaves are bound through the root.
 */
export interface Checkpoint {
  readonly format: 'fristvagt-checkpoint/1';
  readonly id: string;
  readonly sealedAt: string;
  /** Merkle root over `leaves` (hex). */
  readonly root: string;
  readonly streams: number;
  /** Sum over the streams of head revision + 1. */
  readonly events: string;
  /** SPKI PEM of the Ed25519 key that signed. */
  readonly publicKey: string;
  readonly signature: string;
  readonly leaves: readonly StreamHead[];
}

export type UnsignedCheckpoint = Omit<Checkpoint, 'signature' | 'publicKey' | 'root' | 'streams' | 'events'>;

function signedPart(c: Omit<Checkpoint, 'signature' | 'leaves'>): string {
  // Written in alphabetical key order; every value is a string or a whole number, so the text is fixed.
  return JSON.stringify({
    events: c.events,
    format: c.format,
    id: c.id,
    publicKey: c.publicKey,
    root: c.root,
    sealedAt: c.sealedAt,
    streams: c.streams,
  });
}

/** A new Ed25519 private key as PKCS#8 PEM. */
export function generateSigningKey(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

export function publicKeyPem(privateKey: KeyObject): string {
  return createPublicKey(privateKey).export({ format: 'pem', type: 'spki' }).toString();
}

/** Seals heads: sorts them, takes the Merkle root, counts, signs. */
export function sealCheckpoint(
  input: { id: string; sealedAt: string; heads: readonly StreamHead[] },
  privateKey: KeyObject,
): Checkpoint {
  const leaves = sortHeads(input.heads);
  let events = 0n;
  for (const head of leaves) events += BigInt(head.revision) + 1n;
  const unsigned = {
    format: 'fristvagt-checkpoint/1' as const,
    id: input.id,
    sealedAt: input.sealedAt,
    root: merkleRoot(leaves).toString('hex'),
    streams: leaves.length,
    events: events.toString(),
    publicKey: publicKeyPem(privateKey),
  };
  const signature = sign(null, Buffer.from(signedPart(unsigned)), privateKey).toString('base64');
  return { ...unsigned, signature, leaves };
}

/**
 * Checks a checkpoint on its own: the leaves give the root, the counts match, and the signature is valid for
 * its public key (or for `trustedPublicKey`, which a verifier should pass: a forger can sign with a key of
 * their own). Returns null when sound, else what is wrong.
 */
export function checkCheckpoint(c: Checkpoint, trustedPublicKey?: string): string | null {
  if (c.format !== 'fristvagt-checkpoint/1') return 'unknown checkpoint format';
  if (!Array.isArray(c.leaves)) return 'the checkpoint has no leaves';
  const leaves = sortHeads(c.leaves);
  if (merkleRoot(leaves).toString('hex') !== c.root) return 'the leaves do not give the checkpoint root';
  if (leaves.length !== c.streams) return 'the stream count does not match the leaves';
  let events = 0n;
  for (const head of leaves) events += BigInt(head.revision) + 1n;
  if (events.toString() !== c.events) return 'the event count does not match the leaves';
  const key = trustedPublicKey ?? c.publicKey;
  if (trustedPublicKey !== undefined && normalisePem(trustedPublicKey) !== normalisePem(c.publicKey)) {
    return 'the checkpoint was signed by another key than the trusted one';
  }
  let valid: boolean;
  try {
    valid = verify(
      null,
      Buffer.from(signedPart(c)),
      createPublicKey(key),
      Buffer.from(c.signature, 'base64'),
    );
  } catch {
    valid = false;
  }
  return valid ? null : 'the signature does not match';
}

function normalisePem(pem: string): string {
  return createPublicKey(pem).export({ format: 'der', type: 'spki' }).toString('base64');
}
