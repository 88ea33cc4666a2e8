import { parseCpr } from './cpr';
import { ageOn, birthday, DEFAULT_LEAP_DAY_BIRTHDAY_RULE, isUnder } from './age';

describe('rule 6: age and birthdays', () => {
  it('the default leap-day rule is 1 March', () => {
    expect(DEFAULT_LEAP_DAY_BIRTHDAY_RULE).toBe('march-1');
  });

  it.each([
    ['2007-06-15', 18, undefined, '2025-06-15'],
    ['2007-06-15', 0, undefined, '2007-06-15'],
    ['2008-02-29', 18, undefined, '2026-03-01'],
    ['2008-02-29', 23, undefined, '2031-03-01'],
    ['2008-02-29', 18, 'march-1', '2026-03-01'],
    ['2008-02-29', 18, 'february-28', '2026-02-28'],
    ['2008-02-29', 23, 'february-28', '2031-02-28'],
    ['2008-02-29', 24, 'march-1', '2032-02-29'], // a leap year: the real birthday
    ['2008-02-29', 24, 'february-28', '2032-02-29'],
    ['2008-02-29', 0, 'march-1', '2008-02-29'],
    ['2008-02-28', 18, 'march-1', '2026-02-28'], // only 29 February births are affected
    ['2008-03-01', 18, 'february-28', '2026-03-01'],
  ] as const)('born %s, birthday number %i (rule %s) is %s', (born, age, rule, expected) => {
    expect(birthday(born, age, rule)).toBe(expected);
  });

  it('refuses a negative or fractional age and a malformed birth date', () => {
    expect(() => birthday('2008-02-29', -1)).toThrow(RangeError);
    expect(() => birthday('2008-02-29', 17.5)).toThrow(RangeError);
    expect(() => birthday('2008-02-30', 18)).toThrow(RangeError);
  });

  describe('a person is N years old from the start of the local day of their Nth birthday', () => {
    it.each([
      ['2007-06-15', '2025-06-14', 17],
      ['2007-06-15', '2025-06-15', 18],
      ['2007-06-15', '2025-12-31', 18],
      ['2007-06-15', '2026-01-01', 18],
      ['2007-06-15', '2007-06-15', 0],
      ['2007-12-31', '2008-12-30', 0],
      ['2008-02-29', '2026-02-28', 17],
      ['2008-02-29', '2026-03-01', 18],
      ['2008-02-29', '2031-02-28', 22],
      ['2008-02-29', '2031-03-01', 23],
      ['2008-02-29', '2032-02-28', 23],
      ['2008-02-29', '2032-02-29', 24],
    ])('born %s, on %s the age is %i', (born, date, expected) => {
      expect(ageOn(born, date)).toBe(expected);
    });

    it('with the february-28 rule a leap-day child turns 18 on 28 February', () => {
      expect(ageOn('2008-02-29', '2026-02-27', 'february-28')).toBe(17);
      expect(ageOn('2008-02-29', '2026-02-28', 'february-28')).toBe(18);
    });

    it('refuses a date before birth (use isUnder for an unborn child)', () => {
      expect(() => ageOn('2008-02-29', '2008-02-28')).toThrow(RangeError);
      expect(isUnder(18, '2008-02-29', '2008-02-28')).toBe(true);
    });
  });

  describe('"under 18 at receipt" means the local receipt date is before the 18th birthday', () => {
    it('is under 18 on the day before the 18th birthday and not on the birthday', () => {
      expect(isUnder(18, '2007-06-15', '2025-06-14')).toBe(true);
      expect(isUnder(18, '2007-06-15', '2025-06-15')).toBe(false);
    });

    it('born 29 February 2008: under 18 on 28 February 2026, 18 on 1 March 2026', () => {
      expect(isUnder(18, '2008-02-29', '2026-02-28')).toBe(true);
      expect(isUnder(18, '2008-02-29', '2026-03-01')).toBe(false);
    });

    it('born 29 February 2008 with the february-28 rule: 18 on 28 February 2026', () => {
      expect(isUnder(18, '2008-02-29', '2026-02-27', 'february-28')).toBe(true);
      expect(isUnder(18, '2008-02-29', '2026-02-28', 'february-28')).toBe(false);
    });

    it('born 29 February 2008: under 23 until 1 March 2031', () => {
      expect(isUnder(23, '2008-02-29', '2031-02-28')).toBe(true);
      expect(isUnder(23, '2008-02-29', '2031-03-01')).toBe(false);
    });

    it('reads the birth date from a CPR number (7th digit 4, YY 08 → 2008)', () => {
      const cpr = parseCpr('290208-4321');
      expect(cpr.ok && birthday(cpr.value.birthDate, 18)).toBe('2026-03-01');
    });
  });
});
