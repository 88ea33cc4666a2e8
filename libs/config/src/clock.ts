/**
 * The one clock of the shell. Domain code never reads time: handlers take `now` from here and pass it
 * in, so tests pin it by providing another Clock.
 */
export interface Clock {
  /** The current instant. */
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stays where it is set, for tests. */
export class FixedClock implements Clock {
  private current: Date;

  constructor(at: string | Date) {
    this.current = new Date(at);
  }

  now(): Date {
    return new Date(this.current);
  }

  set(at: string | Date): void {
    this.current = new Date(at);
  }
}

/** Nest injection token for the Clock. */
export const CLOCK = Symbol('Clock');

/** The system clock moved by a fixed offset (CLOCK_OFFSET_MS): time still passes, from another starting point. */
export function offsetClock(offsetMs: number): Clock {
  return offsetMs === 0 ? systemClock : { now: () => new Date(Date.now() + offsetMs) };
}
