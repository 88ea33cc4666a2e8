import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDecideAppend, type LoadedStream, loadStream } from '@fristvagt/case-commands';
import { type EventStore, PgliteEventStore } from '@fristvagt/event-store';
import { newEvent, streamName } from '../support/events';
import { FIXED_NOW } from './contract';

/**
 * loadDecideAppend's `alreadyRead` (the command handler passes the case it read before stopping to load the
 * youth's history): the first attempt decides on it without reading, and the append's expected revision
 * still guards it.
 */
describe('loadDecideAppend with a stream already read', () => {
  let dataDir: string;
  let store: PgliteEventStore;
  let reads: string[];
  /** The store as loadDecideAppend sees it, counting its stream reads. */
  let counted: EventStore;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'fristvagt-lda-'));
    store = await PgliteEventStore.open({ dataDir, clock: () => FIXED_NOW });
    counted = new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'readStream') {
          return (name: string, options?: object) => {
            reads.push(name);
            return target.readStream(name, options);
          };
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
  }, 60_000);
  beforeEach(() => {
    reads = [];
  });
  afterAll(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Appends one event counting what the decision saw; returns the revisions each attempt was given. */
  const appendOne = async (stream: string, alreadyRead?: LoadedStream) => {
    const seen: Array<bigint | null> = [];
    const revision = await loadDecideAppend(
      counted,
      stream,
      (loaded) => {
        seen.push(loaded.revision);
        return {
          kind: 'append',
          events: [newEvent('Counted', { after: loaded.events.length })],
          answer: (_written, result) => result.nextRevision,
        };
      },
      { backOff: false, ...(alreadyRead !== undefined && { alreadyRead }) },
    );
    return { revision, seen };
  };

  it('decides on the stream it is given, without reading it again', async () => {
    const stream = streamName();
    await store.append(stream, [newEvent('First')]);
    const read = await loadStream(store, stream);
    const { revision, seen } = await appendOne(stream, read);
    expect(reads).toEqual([]);
    expect(seen).toEqual([0n]);
    expect(revision).toBe(1n);
    expect((await store.readStream(stream)).map((event) => event.data)).toEqual([{}, { after: 1 }]);
  });

  it('reads the stream again when it moved since, and appends after what is there now', async () => {
    const stream = streamName();
    await store.append(stream, [newEvent('First')]);
    const stale = await loadStream(store, stream);
    await store.append(stream, [newEvent('Meanwhile')]);
    const { revision, seen } = await appendOne(stream, stale);
    expect(seen).toEqual([0n, 1n]);
    expect(reads).toEqual([stream]);
    expect(revision).toBe(2n);
    expect((await store.readStream(stream)).map((event) => event.type)).toEqual([
      'First',
      'Meanwhile',
      'Counted',
    ]);
  });

  it('reads the stream when it is given none', async () => {
    const stream = streamName();
    const { seen } = await appendOne(stream);
    expect(reads).toEqual([stream]);
    expect(seen).toEqual([null]);
  });
});
