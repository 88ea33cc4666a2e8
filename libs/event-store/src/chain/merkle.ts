import { createHash } from 'node:crypto';

/** A stream's head as sealed in a checkpoint: its last revision and that event's chain hash (hex). */
export interface StreamHead {
  readonly stream: string;
  readonly revision: string;
  /** Hex; null when the head was stored before hashing (migration 3). */
  readonly hash: string | null;
}

/** Sorts heads by stream name in UTF-16 code-unit order, the order every Merkle root here is taken in. */
export function sortHeads<T extends StreamHead>(heads: readonly T[]): T[] {
  return [...heads].sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
}

/** Leaf = sha256(0x00 || JSON text of [stream, revision, hash]); the prefix separates leaves from nodes. */
export function leafHash(head: StreamHead): Buffer {
  return createHash('sha256')
    .update(Buffer.of(0))
    .update(JSON.stringify([head.stream, head.revision, head.hash]))
    .digest();
}

/**
 * Merkle root over the heads in the order given (sort them with sortHeads first): node =
 * sha256(0x01 || left || right); an odd node at the end of a level moves up unchanged. The root of no
 * heads is sha256 of nothing.
 */
export function merkleRoot(heads: readonly StreamHead[]): Buffer {
  if (heads.length === 0) return createHash('sha256').digest();
  let level = heads.map(leafHash);
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(
        i + 1 < level.length
          ? createHash('sha256')
              .update(Buffer.of(1))
              .update(level[i])
              .update(level[i + 1])
              .digest()
          : level[i],
      );
    }
    level = next;
  }
  return level[0];
}
