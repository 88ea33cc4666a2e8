import { hash } from 'node:crypto';

/**
 * The hash chain of a stream (issue 13, point 3). Every event stored from migration 3 on carries two SHA-256
 * hashes:
 *
 * - `content_hash = sha256(contentText(event))`, computed by the client at append: the JSON array
 *   `[stream, id, type, data, metadata]` with the id in lower case and data and metadata EXACTLY as stored,
 *   byte for byte (the columns are `json`, which PostgreSQL and PGlite keep as written). The metadata holds
 *   the store's own `recordedAt`, so the record time is covered: moving an event in record time (what
 *   `knownAt` reads) breaks its hash like any other edit.
 * - `chain_hash = sha256(previous chain_hash (32 bytes) || revision as a signed 64-bit big-endian integer ||
 *   content_hash)`, computed by the server in the append statement from the stream head's chain hash; the
 *   first event of a stream chains from GENESIS (32 zero bytes), so a new stream's append (`no_stream`) is
 *   linked by the client, with chainLinkHex, and stored as given. The revision is in the link, not in the
 *   content, because the client does not know it before the server assigns it.
 *
 * Why the stored text and not a canonical re-serialisation (sorted keys): sorting the keys of every event
 * cost 10-40 µs per event in Node, a quarter of the append throughput of 10-event batches and most of what
 * verification spends; hashing the text costs about 1 µs and needs no JSON.parse to verify. The price: the
 * hash is of the text, so a change of its form (a migration to jsonb, which reorders keys) must re-hash, and
 * even a whitespace edit counts as tampering. Neither happens without someone deciding it.
 *
 * Events stored before migration 3 have neither hash ("unhashed"); the first hashed event after them chains
 * from GENESIS, exactly as the append statement does when the head has no chain hash.
 */
export const GENESIS: Buffer = Buffer.alloc(32);

/** What an event's content hash covers: its JSON texts as stored. `metadataJson` includes `recordedAt`. */
export interface HashedContent {
  readonly streamName: string;
  readonly id: string;
  readonly type: string;
  readonly dataJson: string;
  readonly metadataJson: string;
}

/**
 * `[stream, id, type, data, metadata]` as one JSON text: unambiguous, because data and metadata are each one
 * complete JSON value, and itself valid JSON, so anyone can recompute it with any JSON tool.
 */
export function contentText(event: HashedContent): string {
  return `[${JSON.stringify(event.streamName)},"${event.id.toLowerCase()}",${JSON.stringify(event.type)},${event.dataJson},${event.metadataJson}]`;
}

export function contentHash(event: HashedContent): Buffer {
  return hash('sha256', contentText(event), 'buffer');
}

/** contentHash in hex, the form the verifier compares: no Buffer per event (see chainLinkHex). */
export function contentHashHex(event: HashedContent): string {
  return hash('sha256', contentText(event), 'hex');
}

/** The link of the event at `revision`: sha256(previous || int64be(revision) || content). See GENESIS. */
export function chainLink(previous: Buffer, revision: bigint, content: Buffer): Buffer {
  const input = Buffer.allocUnsafe(72);
  previous.copy(input, 0);
  input.writeBigInt64BE(revision, 32);
  content.copy(input, 40);
  return hash('sha256', input, 'buffer');
}

/** GENESIS in hex. */
export const GENESIS_HEX: string = GENESIS.toString('hex');

/** The 72 bytes a link hashes, reused: hashing is synchronous, so no two calls share it at once. */
const LINK_INPUT = Buffer.alloc(72);

/**
 * chainLink over hex digests, for verification: the same bytes hashed, but without allocating a Buffer per
 * event. A Buffer per digest made garbage collection the largest single cost of `verify --all`.
 */
export function chainLinkHex(previousHex: string, revision: bigint, contentHex: string): string {
  LINK_INPUT.write(previousHex, 0, 32, 'hex');
  LINK_INPUT.writeBigInt64BE(revision, 32);
  LINK_INPUT.write(contentHex, 40, 32, 'hex');
  return hash('sha256', LINK_INPUT, 'hex');
}
