import { YouthHistoryNeeded } from './youth-history';

describe('YouthHistoryNeeded', () => {
  it('carries its key but no stack frames, and leaves Error.stackTraceLimit as it was', () => {
    const before = Error.stackTraceLimit;
    const key = { caseId: 'c-1', lookupHash: 'h', municipality: '461' };
    const error = new YouthHistoryNeeded(key);
    expect(error).toBeInstanceOf(Error);
    expect(error.key).toBe(key);
    expect(error.name).toBe('YouthHistoryNeeded');
    expect(error.stack).not.toMatch(/\n\s+at /);
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error('an ordinary one').stack).toMatch(/\n\s+at /);
  });
});
