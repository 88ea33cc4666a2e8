import type { ExpectedRevision } from './event-store.port';

/** Base of the store's typed errors; `code` is stable and mapped to problem+json by the API. */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
}

export class WrongExpectedRevision extends EventStoreError {
  readonly code = 'stream-revision-conflict';
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    /** The stream's revision when the append was refused; `'no_stream'` if it has no events. */
    readonly actual: bigint | 'no_stream',
  ) {
    super(`Stream ${streamName}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedRevision';
  }
}

export class StreamNotFound extends EventStoreError {
  readonly code = 'stream-not-found';
  constructor(readonly streamName: string) {
    super(`Stream ${streamName} not found`);
    this.name = 'StreamNotFound';
  }
}

/** An event id that is already stored, but not as this append would store it (other stream, place or content). */
export class DuplicateEventIdConflict extends EventStoreError {
  readonly code = 'duplicate-event-id-conflict';
  constructor(
    readonly streamName: string,
    readonly eventId: string,
    readonly reason: string,
  ) {
    super(`Event ${eventId} is already stored differently (${reason}); append to ${streamName} refused`);
    this.name = 'DuplicateEventIdConflict';
  }
}

/** An append the port does not allow (no events, a malformed id, ...). */
export class InvalidAppend extends EventStoreError {
  readonly code = 'invalid-append';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAppend';
  }
}
