import { chainLinkHex, contentHashHex, GENESIS_HEX } from './hash-chain';
import { Checkpoint } from './checkpoint';

/**
 * One stored event as the verifier reads it: the stored JSON texts and hashes (lower-case hex, null when
 * unhashed).
 */
export interface ChainRow {
  readonly stream: string;
  readonly revision: bigint;
  readonly id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
  readonly contentHash: string | null;
  readonly chainHash: string | null;
}

export type BreakKind = 'revision-missing' | 'hash-missing' | 'content' | 'link' | 'checkpoint';

/** The first broken link of a stream. `eventId` is the event found at (or, for a gap, after) `revision`. */
export interface ChainBreak {
  readonly stream: string;
  readonly revision: string;
  readonly eventId: string | null;
  readonly kind: BreakKind;
  readonly detail: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly streams: number;
  readonly events: number;
  /** Events stored before hashing existed (migration 3): a prefix of their stream, reported, not a break. */
  readonly unhashed: number;
  /** The first break of each broken stream, in stream order; checkpoint findings after them. */
  readonly breaks: ChainBreak[];
  /** Set when verified against a checkpoint. */
  readonly checkpoint?: { readonly id: string; readonly sealedAt: string; readonly streams: number };
}

interface StreamState {
  stream: string;
  expected: bigint;
  /** The chain hash recomputed up to here, in hex. */
  previous: string;
  hashedSeen: boolean;
  broken: boolean;
}

/**
 * Recomputes every hash from the stored content, in stream order, and reports the first broken link of each
 * stream: a revision that is missing (a deletion), a hash missing after hashed events, content that does not
 * give its stored content hash (an edit), or a stored chain hash that differs from the one recomputed from
 * the contents before it (a reordering, an insertion, a rewritten hash). Rows must come ordered by
 * (stream, revision). Pure: feed it rows with `push`, read `report()`.
 *
 * Given a checkpoint's leaves, it also keeps the chain hash recomputed from content (never the stored one) at
 * each sealed head, so a stream rewritten with recomputed hashes after sealing differs from the seal.
 */
export class ChainVerifier {
  private state: StreamState | null = null;
  private streams = 0;
  private events = 0;
  private unhashed = 0;
  private readonly breaks: ChainBreak[] = [];
  private readonly sealed: Map<string, { revision: bigint; hash: string | null; seen?: string | null }>;

  /** `onlyStream`: the rows are of that stream only, so only its leaf of the checkpoint is checked. */
  constructor(
    private readonly checkpoint?: Checkpoint,
    onlyStream?: string,
  ) {
    this.sealed = new Map(
      (checkpoint?.leaves ?? [])
        .filter((l) => onlyStream === undefined || l.stream === onlyStream)
        .map((l) => [l.stream, { revision: BigInt(l.revision), hash: l.hash }]),
    );
  }

  push(row: ChainRow): void {
    let s = this.state;
    if (s === null || s.stream !== row.stream) {
      s = this.state = {
        stream: row.stream,
        expected: 0n,
        previous: GENESIS_HEX,
        hashedSeen: false,
        broken: false,
      };
      this.streams++;
    }
    this.events++;
    const { revision } = row;
    if (revision !== s.expected && !s.broken) {
      this.fail(s, row, 'revision-missing', `revision ${s.expected} is missing (deleted)`, s.expected);
    }
    s.expected = revision + 1n;
    let recomputed: string | null = null;
    if (row.contentHash === null) {
      this.unhashed++;
      if (s.hashedSeen && !s.broken) this.fail(s, row, 'hash-missing', 'no hash after hashed events');
      s.previous = GENESIS_HEX;
    } else {
      s.hashedSeen = true;
      const content = contentHashHex({
        streamName: row.stream,
        id: row.id,
        type: row.type,
        dataJson: row.data,
        metadataJson: row.metadata,
      });
      recomputed = chainLinkHex(s.previous, revision, content);
      if (!s.broken && content !== row.contentHash) {
        this.fail(s, row, 'content', 'content differs from its content hash (edited)');
      } else if (!s.broken && recomputed !== row.chainHash) {
        this.fail(s, row, 'link', 'chain hash differs from the chain recomputed from the events before it');
      }
      s.previous = recomputed;
    }
    const seal = this.sealed.get(row.stream);
    if (seal !== undefined && seal.revision === revision) seal.seen = recomputed;
  }

  report(): VerifyReport {
    const breaks = [...this.breaks];
    if (this.checkpoint) {
      for (const [stream, seal] of this.sealed) {
        if (seal.seen === undefined) {
          breaks.push({
            stream,
            revision: seal.revision.toString(),
            eventId: null,
            kind: 'checkpoint',
            detail: 'an event sealed in the checkpoint is missing',
          });
        } else if (seal.seen !== seal.hash) {
          breaks.push({
            stream,
            revision: seal.revision.toString(),
            eventId: null,
            kind: 'checkpoint',
            detail: 'the stream up to this revision differs from what the checkpoint sealed (rewritten)',
          });
        }
      }
    }
    return {
      ok: breaks.length === 0,
      streams: this.streams,
      events: this.events,
      unhashed: this.unhashed,
      breaks,
      ...(this.checkpoint
        ? {
            checkpoint: {
              id: this.checkpoint.id,
              sealedAt: this.checkpoint.sealedAt,
              streams: this.checkpoint.streams,
            },
          }
        : {}),
    };
  }

  private fail(
    s: StreamState,
    row: ChainRow,
    kind: BreakKind,
    detail: string,
    revision = row.revision,
  ): void {
    s.broken = true;
    this.breaks.push({ stream: s.stream, revision: revision.toString(), eventId: row.id, kind, detail });
  }
}

/** Where the verifier reads rows from: pages ordered by (stream, revision), after a key, optionally one stream. */
export interface ChainSource {
  readChain(
    after: { stream: string; revision: bigint } | null,
    limit: number,
    stream?: string,
  ): Promise<ChainRow[]>;
}

export interface VerifyOptions {
  /** Only this stream. */
  readonly stream?: string;
  /** Also prove nothing sealed in this checkpoint was rewritten (check it with checkCheckpoint first). */
  readonly against?: Checkpoint;
  /**
   * Rows per page. Default 2,000: with 10,000 a page's rows outlived several young-generation collections and
   * verification spent about half again as much CPU per event (docs/benchmarks.md, hash chain).
   */
  readonly pageSize?: number;
  /** Called after every page with the events verified so far. */
  readonly onProgress?: (events: number) => void;
}

/** Reads the log (or one stream) page by page and verifies it; see ChainVerifier. */
export async function verifyChain(source: ChainSource, options: VerifyOptions = {}): Promise<VerifyReport> {
  const verifier = new ChainVerifier(options.against, options.stream);
  const pageSize = options.pageSize ?? 2_000;
  let after: { stream: string; revision: bigint } | null = null;
  let total = 0;
  // The next page is requested before this one is hashed, so reading and hashing overlap.
  let next = source.readChain(after, pageSize, options.stream);
  for (;;) {
    const rows = await next;
    if (rows.length === 0) break;
    const last = rows[rows.length - 1];
    after = { stream: last.stream, revision: last.revision };
    next = rows.length < pageSize ? Promise.resolve([]) : source.readChain(after, pageSize, options.stream);
    for (const row of rows) verifier.push(row);
    total += rows.length;
    options.onProgress?.(total);
  }
  return verifier.report();
}
