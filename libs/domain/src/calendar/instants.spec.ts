import { compareInstants } from './instants';

const sign = (n: number) => (Number.isNaN(n) ? NaN : Math.sign(n));

describe('compareInstants', () => {
  const ordered = [
    '2024-02-28T23:00:00.000Z',
    '2024-02-29T00:00:00.000Z', // leap day
    '2024-02-29T23:59:59.999Z',
    '2024-03-01T00:00:00.000Z',
    '2024-03-31T00:59:59.999Z', // the hour before Copenhagen's spring change (01:00 UTC)
    '2024-03-31T01:00:00.000Z',
    '2024-10-27T00:59:59.999Z', // the hour before the autumn change
    '2024-10-27T01:00:00.000Z',
    '2024-12-31T23:00:00.000Z', // Copenhagen's New Year's midnight
    '2025-01-01T00:00:00.000Z',
  ];

  it('orders instants as their times order them, across month ends, a leap day, DST changes and a year end', () => {
    for (const [i, a] of ordered.entries()) {
      for (const [j, b] of ordered.entries()) {
        expect([a, b, sign(compareInstants(a, b))]).toEqual([a, b, sign(Date.parse(a) - Date.parse(b))]);
        expect(sign(compareInstants(a, b))).toBe(Math.sign(i - j));
      }
    }
  });

  it('parses instants in any other form, so equal instants compare equal whatever their text', () => {
    expect(compareInstants('2024-03-31T01:00:00Z', '2024-03-31T01:00:00.000Z')).toBe(0);
    expect(compareInstants('2024-03-31T03:00:00+02:00', '2024-03-31T01:00:00.000Z')).toBe(0);
    expect(compareInstants('2024-03-31T02:59:59+02:00', '2024-03-31T01:00:00.000Z')).toBeLessThan(0);
    // Text order would put "+" first; the instant is in the year 10000.
    expect(compareInstants('+010000-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z')).toBeGreaterThan(0);
  });

  it('is never less or more for a text that is not an instant', () => {
    expect(compareInstants('not a date', '2024-03-31T01:00:00.000Z')).toBeNaN();
    expect(compareInstants('2024-03-31T01:00:00.000Z', 'x'.repeat(24))).toBeNaN();
  });
});
