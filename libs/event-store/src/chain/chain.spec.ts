import { createHash, generateKeyPairSync } from 'node:crypto';
import {
  chainLink,
  chainLinkHex,
  contentHash,
  contentHashHex,
  contentText,
  GENESIS,
  GENESIS_HEX,
} from './hash-chain';
import { merkleRoot, sortHeads } from './merkle';
import { parseCheckpointSigningKey } from '@fristvagt/config';
import { checkCheckpoint, generateSigningKey, sealCheckpoint } from './checkpoint';
import { ChainRow, ChainVerifier } from './verify';

describe('hash chain', () => {
  const event = {
    streamName: 'case-1',
    id: 'AAAAAAAA-0000-4000-8000-000000000000',
    type: 'CaseOpened',
    dataJson: '{"b":2,"a":1}',
    metadataJson: '{"actor":"x","recordedAt":"2026-03-29T01:00:00.000Z"}',
  };

  it('hashes [stream, id, type, data, metadata] with the id in lower case and the JSON texts as stored', () => {
    const text = contentText(event);
    expect(text).toBe(
      '["case-1","aaaaaaaa-0000-4000-8000-000000000000","CaseOpened",{"b":2,"a":1},' +
        '{"actor":"x","recordedAt":"2026-03-29T01:00:00.000Z"}]',
    );
    expect(JSON.parse(text)).toEqual([
      'case-1',
      'aaaaaaaa-0000-4000-8000-000000000000',
      'CaseOpened',
      { a: 1, b: 2 },
      { actor: 'x', recordedAt: '2026-03-29T01:00:00.000Z' },
    ]);
    expect(contentHash(event).toString('hex')).toBe(createHash('sha256').update(text).digest('hex'));
  });

  it('covers recordedAt: moving an event in record time changes its hash', () => {
    const moved = { ...event, metadataJson: event.metadataJson.replace('03-29', '03-30') };
    expect(contentHash(moved).equals(contentHash(event))).toBe(false);
  });

  it('keeps the fields apart: a quote in a type cannot shift content into another field', () => {
    const shifted = { ...event, streamName: 'case-1","x', type: 'CaseOpened' };
    expect(JSON.parse(contentText(shifted))[0]).toBe('case-1","x');
  });

  it('links sha256(previous || int64be(revision) || content)', () => {
    const content = contentHash(event);
    const expected = createHash('sha256')
      .update(Buffer.concat([GENESIS, Buffer.from('0000000000000007', 'hex'), content]))
      .digest();
    expect(chainLink(GENESIS, 7n, content).equals(expected)).toBe(true);
  });

  it('gives the same hashes in hex, and a link carries nothing over from the call before', () => {
    const content = contentHash(event);
    expect(contentHashHex(event)).toBe(content.toString('hex'));
    const first = chainLink(GENESIS, 0n, content);
    const second = chainLink(first, 1n, contentHash({ ...event, type: 'CaseTransferred' }));
    const firstHex = chainLinkHex(GENESIS_HEX, 0n, content.toString('hex'));
    expect(firstHex).toBe(first.toString('hex'));
    expect(chainLinkHex(firstHex, 1n, contentHashHex({ ...event, type: 'CaseTransferred' }))).toBe(
      second.toString('hex'),
    );
    expect(chainLinkHex(GENESIS_HEX, 0n, content.toString('hex'))).toBe(firstHex);
    expect(chainLinkHex(GENESIS_HEX, -1n, content.toString('hex'))).not.toBe(firstHex);
  });
});

describe('Merkle root', () => {
  const heads = ['c', 'a', 'b'].map((stream, i) => ({ stream, revision: String(i), hash: 'ab'.repeat(32) }));

  it('is the same for the same heads in any order once sorted, and differs when one head changes', () => {
    const root = merkleRoot(sortHeads(heads)).toString('hex');
    expect(merkleRoot(sortHeads([...heads].reverse())).toString('hex')).toBe(root);
    const changed = heads.map((h) => (h.stream === 'b' ? { ...h, revision: '5' } : h));
    expect(merkleRoot(sortHeads(changed)).toString('hex')).not.toBe(root);
  });

  it('has a defined root for no streams and for one', () => {
    expect(merkleRoot([]).toString('hex')).toBe(createHash('sha256').digest('hex'));
    expect(merkleRoot([heads[0]]).length).toBe(32);
  });
});

function parseSigningKey(text: string) {
  const parsed = parseCheckpointSigningKey(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

describe('checkpoint signing', () => {
  it('accepts a PEM key and base64 of a raw 32-byte seed; the seed signs as the PEM does', () => {
    const pem = generateSigningKey();
    const key = parseSigningKey(pem);
    const seed = key.export({ format: 'der', type: 'pkcs8' }).subarray(-32).toString('base64');
    const heads = [{ stream: 'case-1', revision: '0', hash: '00'.repeat(32) }];
    const a = sealCheckpoint({ id: 'x', sealedAt: '2026-01-01T00:00:00.000Z', heads }, key);
    const b = sealCheckpoint({ id: 'x', sealedAt: '2026-01-01T00:00:00.000Z', heads }, parseSigningKey(seed));
    expect(b.signature).toBe(a.signature);
    expect(a.events).toBe('1');
    expect(checkCheckpoint(a)).toBeNull();
  });

  it('refuses keys that are not Ed25519 without echoing them', () => {
    expect(() => parseSigningKey('c2VjcmV0')).toThrow(/Ed25519/);
    expect(() => parseSigningKey('c2VjcmV0')).not.toThrow(/c2VjcmV0/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      format: 'pem',
      type: 'pkcs8',
    });
    expect(() => parseSigningKey(rsa.toString())).toThrow(/must be an Ed25519 key, got rsa/);
  });
});

describe('ChainVerifier', () => {
  function rows(stream: string, count: number): ChainRow[] {
    let previous = GENESIS;
    return Array.from({ length: count }, (_, i) => {
      const e = {
        streamName: stream,
        id: `0000000${i}-0000-4000-8000-000000000000`,
        type: 'T',
        dataJson: JSON.stringify({ i }),
        metadataJson: '{}',
      };
      const content = contentHash(e);
      previous = chainLink(previous, BigInt(i), content);
      return {
        stream,
        revision: BigInt(i),
        id: e.id,
        type: e.type,
        data: e.dataJson,
        metadata: e.metadataJson,
        contentHash: content.toString('hex'),
        chainHash: previous.toString('hex'),
      };
    });
  }
  const run = (input: ChainRow[]) => {
    const verifier = new ChainVerifier();
    input.forEach((r) => verifier.push(r));
    return verifier.report();
  };

  it('passes an intact stream and counts unhashed events before hashing began', () => {
    const legacy = { ...rows('s', 1)[0], contentHash: null, chainHash: null };
    const hashed = rows('s', 3)
      .slice(1)
      .map((r) => ({ ...r }));
    // After an unhashed head the chain restarts from GENESIS, as the append statement does.
    let previous = GENESIS;
    for (const r of hashed) {
      previous = chainLink(previous, r.revision, Buffer.from(r.contentHash!, 'hex'));
      (r as { chainHash: string }).chainHash = previous.toString('hex');
    }
    expect(run([legacy, ...hashed])).toMatchObject({ ok: true, unhashed: 1, events: 3, streams: 1 });
  });

  it('reports a hash missing after hashed events', () => {
    const r = rows('s', 3);
    const report = run([r[0], { ...r[1], contentHash: null, chainHash: null }, r[2]]);
    expect(report.breaks).toEqual([expect.objectContaining({ revision: '1', kind: 'hash-missing' })]);
  });

  it('reports only the first break of each stream', () => {
    const r = rows('s', 4).map((x) => ({ ...x, data: '{"i":99}' }));
    expect(run(r).breaks).toHaveLength(1);
  });
});
