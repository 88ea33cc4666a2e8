import {
  compareHolidayLists,
  danishPublicHolidays,
  easterSunday,
  type Holiday,
  holidaysByRule,
  holidaysFromLibrary,
  HOLIDAY_YEARS,
  isDanishPublicHoliday,
  reconcileHolidays,
} from './holidays';

const asPairs = (holidays: readonly Holiday[]): [string, string][] => holidays.map((h) => [h.date, h.name]);

describe('Easter Sunday (anonymous Gregorian algorithm)', () => {
  it.each([
    [1900, '1900-04-15'],
    [1943, '1943-04-25'], // latest possible date
    [1961, '1961-04-02'],
    [2000, '2000-04-23'],
    [2008, '2008-03-23'],
    [2011, '2011-04-24'],
    [2019, '2019-04-21'],
    [2023, '2023-04-09'],
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2038, '2038-04-25'],
    [2100, '2100-03-28'],
  ])('Easter %i is %s', (year, expected) => {
    expect(easterSunday(year)).toBe(expected);
  });

  it.each([1899, 2101, 2024.5, Number.NaN])('refuses year %p outside the checked range 1900-2100', (year) => {
    expect(() => easterSunday(year)).toThrow(RangeError);
  });
});

describe('rule 5: Danish public holidays (helligdage)', () => {
  it('2023 still has Store bededag (5 May)', () => {
    expect(asPairs(danishPublicHolidays(2023))).toEqual([
      ['2023-01-01', 'Nytårsdag'],
      ['2023-04-06', 'Skærtorsdag'],
      ['2023-04-07', 'Langfredag'],
      ['2023-04-09', 'Påskedag'],
      ['2023-04-10', '2. påskedag'],
      ['2023-05-05', 'Store bededag'],
      ['2023-05-18', 'Kristi himmelfartsdag'],
      ['2023-05-28', 'Pinsedag'],
      ['2023-05-29', '2. pinsedag'],
      ['2023-12-25', 'Juledag'],
      ['2023-12-26', '2. juledag'],
    ]);
  });

  it('2024 has no Store bededag: it was abolished from 2024', () => {
    expect(asPairs(danishPublicHolidays(2024))).toEqual([
      ['2024-01-01', 'Nytårsdag'],
      ['2024-03-28', 'Skærtorsdag'],
      ['2024-03-29', 'Langfredag'],
      ['2024-03-31', 'Påskedag'],
      ['2024-04-01', '2. påskedag'],
      ['2024-05-09', 'Kristi himmelfartsdag'],
      ['2024-05-19', 'Pinsedag'],
      ['2024-05-20', '2. pinsedag'],
      ['2024-12-25', 'Juledag'],
      ['2024-12-26', '2. juledag'],
    ]);
  });

  it('2025 has the holidays counted from Easter on 20 April', () => {
    expect(danishPublicHolidays(2025)).toEqual([
      { date: '2025-01-01', name: 'Nytårsdag', key: 'new-years-day' },
      { date: '2025-04-17', name: 'Skærtorsdag', key: 'maundy-thursday' },
      { date: '2025-04-18', name: 'Langfredag', key: 'good-friday' },
      { date: '2025-04-20', name: 'Påskedag', key: 'easter-sunday' },
      { date: '2025-04-21', name: '2. påskedag', key: 'easter-monday' },
      { date: '2025-05-29', name: 'Kristi himmelfartsdag', key: 'ascension-day' },
      { date: '2025-06-08', name: 'Pinsedag', key: 'whit-sunday' },
      { date: '2025-06-09', name: '2. pinsedag', key: 'whit-monday' },
      { date: '2025-12-25', name: 'Juledag', key: 'christmas-day' },
      { date: '2025-12-26', name: '2. juledag', key: 'second-christmas-day' },
    ]);
  });

  it('1900 (Easter 15 April) has Store bededag 26 days after Easter', () => {
    expect(asPairs(danishPublicHolidays(1900))).toEqual([
      ['1900-01-01', 'Nytårsdag'],
      ['1900-04-12', 'Skærtorsdag'],
      ['1900-04-13', 'Langfredag'],
      ['1900-04-15', 'Påskedag'],
      ['1900-04-16', '2. påskedag'],
      ['1900-05-11', 'Store bededag'],
      ['1900-05-24', 'Kristi himmelfartsdag'],
      ['1900-06-03', 'Pinsedag'],
      ['1900-06-04', '2. pinsedag'],
      ['1900-12-25', 'Juledag'],
      ['1900-12-26', '2. juledag'],
    ]);
  });

  it('2100 (Easter 28 March) has no Store bededag', () => {
    expect(asPairs(danishPublicHolidays(2100))).toEqual([
      ['2100-01-01', 'Nytårsdag'],
      ['2100-03-25', 'Skærtorsdag'],
      ['2100-03-26', 'Langfredag'],
      ['2100-03-28', 'Påskedag'],
      ['2100-03-29', '2. påskedag'],
      ['2100-05-06', 'Kristi himmelfartsdag'],
      ['2100-05-16', 'Pinsedag'],
      ['2100-05-17', '2. pinsedag'],
      ['2100-12-25', 'Juledag'],
      ['2100-12-26', '2. juledag'],
    ]);
  });

  it.each([
    ['2023-05-05', true], // Store bededag 2023
    ['2024-04-26', false], // would have been Store bededag 2024
    ['2025-04-17', true],
    ['2025-05-29', true],
    ['2025-12-26', true],
    ['2026-01-01', true],
    ['2025-05-01', false], // 1. maj: not a helligdag
    ['2025-06-05', false], // Grundlovsdag: an extra non-working day, not a helligdag
    ['2025-12-24', false],
    ['2025-12-31', false],
    ['2025-03-03', false], // Fastelavn: an observance in date-holidays, not a helligdag
  ])('isDanishPublicHoliday(%s) is %s', (date, expected) => {
    expect(isDanishPublicHoliday(date)).toBe(expected);
  });

  it('refuses malformed dates and years outside 1900-2100', () => {
    expect(() => isDanishPublicHoliday('2025-02-29')).toThrow(RangeError);
    expect(() => isDanishPublicHoliday('1899-12-25')).toThrow(RangeError);
    expect(() => danishPublicHolidays(2101)).toThrow(RangeError);
    expect(() => holidaysFromLibrary(1899)).toThrow(RangeError);
  });

  it('every year 1900-2100 has exactly the DOMAIN.md list, sorted, and Store bededag only up to 2023', () => {
    for (let year = HOLIDAY_YEARS.from; year <= HOLIDAY_YEARS.to; year++) {
      const holidays = danishPublicHolidays(year);
      const easter = easterSunday(year);
      expect(holidays).toEqual(holidaysByRule(year));
      expect(holidays.map((h) => h.date)).toEqual([...holidays.map((h) => h.date)].sort());
      expect(holidays.every((h) => h.date.startsWith(`${year}-`))).toBe(true);
      expect(holidays.some((h) => h.key === 'great-prayer-day')).toBe(year <= 2023);
      expect(holidays.find((h) => h.key === 'easter-sunday')?.date).toBe(easter);
    }
  });

  it('date-holidays agrees with the DOMAIN.md rule for every year 1900-2100 (no fallback needed today)', () => {
    for (let year = HOLIDAY_YEARS.from; year <= HOLIDAY_YEARS.to; year++) {
      expect({
        year,
        discrepancies: compareHolidayLists(holidaysByRule(year), holidaysFromLibrary(year)),
      }).toEqual({
        year,
        discrepancies: [],
      });
    }
  });

  it('a returned list is a copy: changing it does not change later answers', () => {
    const first = danishPublicHolidays(2025);
    first.pop();
    expect(danishPublicHolidays(2025)).toHaveLength(10);
    expect(Object.isFrozen(danishPublicHolidays(2025)[0])).toBe(true);
  });
});

describe('rule 5: when date-holidays disagrees with DOMAIN.md, DOMAIN.md wins', () => {
  const rule = holidaysByRule(2023);

  it('uses the library list when it agrees day by day', () => {
    const fromLibrary = holidaysFromLibrary(2023);
    expect(compareHolidayLists(rule, fromLibrary)).toEqual([]);
    expect(reconcileHolidays(rule, fromLibrary)).toEqual(fromLibrary);
  });

  it('uses the rule when the library moves a day', () => {
    const moved = rule.map((h) => (h.key === 'ascension-day' ? { ...h, date: '2023-05-19' } : h));
    expect(compareHolidayLists(rule, moved)).toEqual([
      { key: 'ascension-day', rule: '2023-05-18', library: '2023-05-19' },
    ]);
    expect(reconcileHolidays(rule, moved)).toEqual(rule);
  });

  it('uses the rule when the library lacks a day or has one too many', () => {
    const withoutPrayerDay = rule.filter((h) => h.key !== 'great-prayer-day');
    expect(compareHolidayLists(rule, withoutPrayerDay)).toEqual([
      { key: 'great-prayer-day', rule: '2023-05-05', library: null },
    ]);
    expect(reconcileHolidays(rule, withoutPrayerDay)).toEqual(rule);

    const rule2024 = holidaysByRule(2024);
    const stillPrayerDay: Holiday[] = [
      ...rule2024,
      { key: 'great-prayer-day', name: 'Store bededag', date: '2024-04-26' },
    ];
    expect(compareHolidayLists(rule2024, stillPrayerDay)).toEqual([
      { key: 'great-prayer-day', rule: null, library: '2024-04-26' },
    ]);
    expect(reconcileHolidays(rule2024, stillPrayerDay)).toEqual(rule2024);
  });
});
