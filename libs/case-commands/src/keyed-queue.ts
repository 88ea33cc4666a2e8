/** Waiting for a key's turn took longer than allowed: the task before it hangs, or the queue is too long. */
export class QueueWaitTimeout extends Error {
  readonly code = 'stream-busy';
  constructor(readonly waitedMs: number) {
    super(`Waited ${waitedMs} ms for the stream's turn without getting it`);
    this.name = 'QueueWaitTimeout';
  }
}

/**
 * Runs the tasks of one key one after another, in the order they came, and the tasks of different keys
 * side by side. A key is forgotten as soon as its last task has ended, so the map holds only busy keys.
 * A task that waited `maxWaitMs` without getting its turn gives up with QueueWaitTimeout and is not run;
 * the tasks behind it still wait for the one ahead of it, so a turn is never shared.
 */
export class KeyedQueue {
  /** Per busy key: settles once the last task queued for it has ended (run or given up). Never rejects. */
  private readonly tails = new Map<string, Promise<void>>();

  /** Keys with a task running or waiting. */
  get size(): number {
    return this.tails.size;
  }

  /** Whether a task of `key` is running or waiting. */
  busy(key: string): boolean {
    return this.tails.has(key);
  }

  async run<T>(key: string, task: () => Promise<T>, options: { readonly maxWaitMs: number }): Promise<T> {
    const previous = this.tails.get(key);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // This turn ends when the one before it has ended and this task has ended or given up waiting.
    const tail = previous === undefined ? released : previous.then(() => released);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    try {
      if (previous !== undefined) await waitAtMost(previous, options.maxWaitMs);
      return await task();
    } finally {
      release();
    }
  }
}

function waitAtMost(turn: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new QueueWaitTimeout(ms)), ms);
  });
  return Promise.race([turn, timeout]).finally(() => clearTimeout(timer));
}
