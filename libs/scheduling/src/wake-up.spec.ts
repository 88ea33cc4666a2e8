import { type WakeUp } from './scheduler.port';
import { wakeUpId } from './wake-up';

const wakeUp: WakeUp = { caseId: 'c1', obligationId: 'o1', kind: 'due', at: '2026-11-23T12:00:00.000Z' };

describe('wakeUpId', () => {
  it('is the same for the same instant however it is spelled, and usable as a BullMQ job id', () => {
    const id = wakeUpId(wakeUp);
    expect(id).toMatch(/^wake-[0-9a-f]{64}$/);
    expect(wakeUpId({ ...wakeUp, at: '2026-11-23T12:00:00Z' })).toBe(id);
    expect(wakeUpId({ ...wakeUp, at: '2026-11-23T13:00:00+01:00' })).toBe(id);
  });

  it('differs by case, obligation, kind and instant, and fields cannot run into each other', () => {
    const ids = new Set([
      wakeUpId(wakeUp),
      wakeUpId({ ...wakeUp, caseId: 'c2' }),
      wakeUpId({ ...wakeUp, obligationId: 'o2' }),
      wakeUpId({ ...wakeUp, kind: 'warn' }),
      wakeUpId({ ...wakeUp, at: '2026-11-23T12:00:00.001Z' }),
      wakeUpId({ ...wakeUp, caseId: 'c1|o1', obligationId: '' }),
    ]);
    expect(ids.size).toBe(6);
  });

  it('refuses an instant that is not a date', () => {
    expect(() => wakeUpId({ ...wakeUp, at: 'tomorrow' })).toThrow(RangeError);
  });
});
