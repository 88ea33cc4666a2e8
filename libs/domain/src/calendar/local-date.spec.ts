import fc from 'fast-check';
import { DateTime } from 'luxon';
import {
  addDays,
  addMonths,
  addYears,
  compareLocalDates,
  dayOfWeek,
  dueBeforeDate,
  dueDaysAfter,
  dueMonthsAfter,
  dueMonthsBefore,
  DateOutOfRange,
  dueOnDate,
  endOfLocalDay,
  isRepresentableInstant,
  isUtcInstant,
  isValidLocalDate,
  LEGAL_ZONE,
  localDateOf,
  startOfLocalDay,
} from './local-date';

const HOUR = 3_600_000;
const hoursBetween = (from: string, to: string): number => (Date.parse(to) - Date.parse(from)) / HOUR;

// Generators build dates with plain UTC arithmetic (UTC has no DST), independent of the code under test.
const DAY = 86_400_000;
const FROM_1990 = Date.UTC(1990, 0, 1);
const UNTIL_2041 = Date.UTC(2041, 0, 1);
const instants = fc.integer({ min: FROM_1990, max: UNTIL_2041 - 1 }).map((ms) => new Date(ms).toISOString());
const localDates = fc
  .integer({ min: 0, max: (UNTIL_2041 - FROM_1990) / DAY - 1 })
  .map((d) => new Date(FROM_1990 + d * DAY).toISOString().slice(0, 10));

describe('rule 1: instants and local dates in Europe/Copenhagen', () => {
  it('uses Europe/Copenhagen as the legal zone', () => {
    expect(LEGAL_ZONE).toBe('Europe/Copenhagen');
  });

  it.each([
    ['2025-03-29T23:30:00Z', '2025-03-30'], // the DOMAIN.md example, winter time (UTC+1)
    ['2025-03-29T22:59:59Z', '2025-03-29'], // one second before local midnight, winter time
    ['2025-03-29T23:00:00.000Z', '2025-03-30'], // local midnight, winter time
    ['2025-06-14T21:59:59.999Z', '2025-06-14'], // one millisecond before local midnight, summer time (UTC+2)
    ['2025-06-14T22:00:00Z', '2025-06-15'], // local midnight, summer time
    ['2023-12-31T23:30:00Z', '2024-01-01'], // rule 10: which law applies goes by this local date
  ])('the instant %s falls on local date %s', (instant, expected) => {
    expect(localDateOf(instant)).toBe(expected);
  });

  it.each([
    ['2025-03-30', '2025-03-29T23:00:00.000Z'], // the spring-forward day starts in winter time
    ['2025-03-31', '2025-03-30T22:00:00.000Z'],
    ['2025-10-26', '2025-10-25T22:00:00.000Z'], // the fall-back day starts in summer time
    ['2025-10-27', '2025-10-26T23:00:00.000Z'],
    ['2024-01-01', '2023-12-31T23:00:00.000Z'],
  ])('local day %s starts at %s', (date, expected) => {
    expect(startOfLocalDay(date)).toBe(expected);
  });

  it('the local day of the spring DST change lasts 23 hours and that of the autumn change 25 hours', () => {
    expect(hoursBetween(startOfLocalDay('2025-03-30'), endOfLocalDay('2025-03-30'))).toBe(23);
    expect(hoursBetween(startOfLocalDay('2025-10-26'), endOfLocalDay('2025-10-26'))).toBe(25);
    expect(hoursBetween(startOfLocalDay('2025-06-15'), endOfLocalDay('2025-06-15'))).toBe(24);
  });

  it.each([
    ['2024-02-29', true],
    ['2025-02-28', true],
    ['2025-02-29', false],
    ['2025-04-31', false],
    ['2025-13-01', false],
    ['2025-00-10', false],
    ['2025-01-00', false],
    ['2025-1-01', false],
    ['25-01-01', false],
    [' 2025-01-01', false],
    ['2025-01-01T00:00', false],
    ['20250101', false],
    ['', false],
  ])('isValidLocalDate(%j) is %s', (input, expected) => {
    expect(isValidLocalDate(input)).toBe(expected);
  });

  it.each([
    ['2025-03-29T23:30:00Z', true],
    ['2025-03-29T23:30:00.123Z', true],
    ['2024-02-29T12:00:00Z', true],
    ['2025-02-29T12:00:00Z', false],
    ['2025-03-29T24:00:00Z', false],
    ['2025-03-29T23:60:00Z', false],
    ['2025-03-29T23:59:60Z', false],
    ['2025-03-29T23:30:00', false],
    ['2025-03-29T23:30:00+01:00', false],
    ['2025-03-29T23:30Z', false],
    ['2025-03-29T23:30:00.1Z', false],
    ['2025-03-29 23:30:00Z', false],
    ['2025-03-29', false],
  ])('isUtcInstant(%j) is %s', (input, expected) => {
    expect(isUtcInstant(input)).toBe(expected);
  });

  it('rejects non-string input as neither a date nor an instant', () => {
    expect(isValidLocalDate(20250101 as unknown as string)).toBe(false);
    expect(isUtcInstant(null as unknown as string)).toBe(false);
  });

  it('throws a RangeError for malformed dates, instants and counts (programmer errors)', () => {
    expect(() => localDateOf('2025-03-29T23:30:00')).toThrow(RangeError);
    expect(() => startOfLocalDay('2025-02-29')).toThrow(RangeError);
    expect(() => addDays('2025-13-01', 1)).toThrow(RangeError);
    expect(() => addDays('2025-01-01', 1.5)).toThrow(RangeError);
    expect(() => addMonths('2025-01-01', Number.NaN)).toThrow(RangeError);
    expect(() => addYears('2025-01-01', Infinity)).toThrow(RangeError);
    expect(() => compareLocalDates('2025-01-01', 'tomorrow')).toThrow(RangeError);
    expect(() => dayOfWeek('2025/01/01')).toThrow(RangeError);
    expect(() => dueOnDate('2025-02-30')).toThrow(RangeError);
    expect(() => dueMonthsBefore('2026-08-31', 0.5)).toThrow(RangeError);
    expect(() => dueDaysAfter('not an instant', 7)).toThrow(RangeError);
  });
});

describe('the years the calendar represents: 0001-9999', () => {
  it.each([
    ['9999-12-31T22:59:59.999Z', true], // 23:59:59.999 local on 9999-12-31
    ['9999-12-31T23:00:00Z', false], // local midnight of 10000-01-01
    ['9999-12-31T23:00:00.000Z', false],
    ['0001-01-01T00:00:00Z', true],
    ['2026-03-25T10:00:00Z', true],
    ['not an instant', false],
  ])('isRepresentableInstant(%j) is %s', (input, expected) => {
    expect(isRepresentableInstant(input)).toBe(expected);
  });

  it('throws DateOutOfRange, a RangeError, where valid input leaves year 9999', () => {
    expect(() => addDays('9999-12-31', 1)).toThrow(DateOutOfRange);
    expect(() => addMonths('9999-12-20', 3)).toThrow(DateOutOfRange);
    expect(() => addYears('0001-06-01', -1)).toThrow(DateOutOfRange);
    expect(() => endOfLocalDay('9999-12-31')).toThrow(DateOutOfRange);
    expect(() => dueDaysAfter('9999-12-30T10:00:00Z', 7)).toThrow(DateOutOfRange);
    expect(() => localDateOf('9999-12-31T23:30:00Z')).toThrow(DateOutOfRange);
    expect(new DateOutOfRange('x')).toBeInstanceOf(RangeError);
  });

  it('still computes up to the last day', () => {
    expect(addDays('9999-12-30', 1)).toBe('9999-12-31');
    expect(localDateOf('9999-12-31T22:59:59.999Z')).toBe('9999-12-31');
    expect(dueOnDate('9999-12-30').dueAt).toBe('9999-12-30T23:00:00.000Z');
  });
});

describe('calendar arithmetic', () => {
  it.each([
    ['2025-03-29', 1, '2025-03-30'],
    ['2025-03-30', 1, '2025-03-31'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2025-02-28', 1, '2025-03-01'],
    ['2025-01-01', -1, '2024-12-31'],
    ['2025-03-31', -31, '2025-02-28'],
    ['2025-06-15', 0, '2025-06-15'],
  ])('%s plus %i days is %s', (date, n, expected) => {
    expect(addDays(date, n)).toBe(expected);
  });

  it.each([
    ['2024-08-31', 6, '2025-02-28'],
    ['2023-08-31', 6, '2024-02-29'],
    ['2024-11-30', 3, '2025-02-28'],
    ['2025-01-31', 1, '2025-02-28'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2025-03-31', 1, '2025-04-30'],
    ['2026-08-31', -6, '2026-02-28'],
    ['2025-05-31', -1, '2025-04-30'],
    ['2025-01-15', -1, '2024-12-15'],
    ['2025-01-15', 24, '2027-01-15'],
  ])('%s plus %i months is %s (clamped to the last day of a shorter month)', (date, n, expected) => {
    expect(addMonths(date, n)).toBe(expected);
  });

  it.each([
    ['2024-02-29', 1, '2025-02-28'],
    ['2024-02-29', 4, '2028-02-29'],
    ['2024-02-29', -1, '2023-02-28'],
    ['2008-02-29', 18, '2026-02-28'],
    ['2007-06-15', 18, '2025-06-15'],
  ])('%s plus %i years is %s', (date, n, expected) => {
    expect(addYears(date, n)).toBe(expected);
  });

  it.each([
    ['2025-01-01', '2025-01-02', -1],
    ['2025-01-02', '2025-01-01', 1],
    ['2025-01-01', '2025-01-01', 0],
    ['1999-12-31', '2000-01-01', -1],
  ])('compareLocalDates(%s, %s) is %i', (a, b, expected) => {
    expect(compareLocalDates(a, b)).toBe(expected);
  });

  it.each([
    ['2025-03-24', 1],
    ['2025-03-29', 6],
    ['2025-03-30', 7],
    ['2025-12-24', 3],
    ['2000-01-01', 6],
  ])('%s is ISO weekday %i', (date, expected) => {
    expect(dayOfWeek(date)).toBe(expected);
  });
});

describe('rule 2: "senest N dage efter X" is due at the end of local day date(X) + N', () => {
  it('a 7-day deadline is due at the end of the 7th local day after receipt, across the spring DST change', () => {
    // Received Tue 25 Mar 11:00 CET; day 7 is Tue 1 Apr; it ends at 00:00 CEST on 2 Apr = 22:00Z.
    expect(dueDaysAfter('2025-03-25T10:00:00Z', 7)).toEqual({
      dueDate: '2025-04-01',
      dueAt: '2025-04-01T22:00:00.000Z',
    });
  });

  it('a 7-day deadline is due at the end of the 7th local day after receipt, across the autumn DST change', () => {
    // Received Wed 22 Oct 12:00 CEST; day 7 is Wed 29 Oct; it ends at 00:00 CET on 30 Oct = 23:00Z.
    expect(dueDaysAfter('2025-10-22T10:00:00Z', 7)).toEqual({
      dueDate: '2025-10-29',
      dueAt: '2025-10-29T23:00:00.000Z',
    });
  });

  it('a 7-day window spanning the spring change is 7 local days but 7 × 24 − 1 hours after local midnight', () => {
    const due = dueDaysAfter('2025-03-27T12:00:00Z', 7); // received Thu 27 Mar, day 0
    expect(due.dueDate).toBe('2025-04-03');
    expect(hoursBetween(startOfLocalDay('2025-03-28'), due.dueAt)).toBe(7 * 24 - 1);
  });

  it('a 7-day window spanning the autumn change is 7 local days but 7 × 24 + 1 hours after local midnight', () => {
    const due = dueDaysAfter('2025-10-23T12:00:00Z', 7); // received Thu 23 Oct, day 0
    expect(due.dueDate).toBe('2025-10-30');
    expect(hoursBetween(startOfLocalDay('2025-10-24'), due.dueAt)).toBe(7 * 24 + 1);
  });

  it('a receipt one second before local midnight in winter time counts from that day', () => {
    // 22:59:59Z is 23:59:59 CET on Sat 29 Mar; day 7 is Sat 5 Apr, ending 00:00 CEST = 22:00Z.
    expect(dueDaysAfter('2025-03-29T22:59:59Z', 7)).toEqual({
      dueDate: '2025-04-05',
      dueAt: '2025-04-05T22:00:00.000Z',
    });
  });

  it('a receipt at local midnight in winter time counts from the next day', () => {
    // 23:00:00Z is 00:00 CET on Sun 30 Mar; day 7 is Sun 6 Apr, ending 00:00 CEST = 22:00Z.
    expect(dueDaysAfter('2025-03-29T23:00:00Z', 7)).toEqual({
      dueDate: '2025-04-06',
      dueAt: '2025-04-06T22:00:00.000Z',
    });
  });

  it('a receipt just before and at local midnight in summer time falls on different days', () => {
    expect(dueDaysAfter('2025-06-14T21:59:59Z', 7)).toEqual({
      dueDate: '2025-06-21',
      dueAt: '2025-06-21T22:00:00.000Z',
    });
    expect(dueDaysAfter('2025-06-14T22:00:00Z', 7)).toEqual({
      dueDate: '2025-06-22',
      dueAt: '2025-06-22T22:00:00.000Z',
    });
  });

  it('a 0-day deadline is due at the end of the day of receipt', () => {
    expect(dueDaysAfter('2025-01-10T08:00:00Z', 0)).toEqual({
      dueDate: '2025-01-10',
      dueAt: '2025-01-10T23:00:00.000Z',
    });
  });
});

describe('rule 3: "N måneder efter X" is local date of X plus N months, clamped to month end', () => {
  it.each([
    ['2024-08-31T10:00:00Z', 6, '2025-02-28', '2025-02-28T23:00:00.000Z'],
    ['2023-08-31T10:00:00Z', 6, '2024-02-29', '2024-02-29T23:00:00.000Z'],
    ['2024-11-30T10:00:00Z', 3, '2025-02-28', '2025-02-28T23:00:00.000Z'],
    ['2025-01-31T10:00:00Z', 1, '2025-02-28', '2025-02-28T23:00:00.000Z'],
    ['2025-01-15T10:00:00Z', 3, '2025-04-15', '2025-04-15T22:00:00.000Z'], // due in summer time
    // 22:30Z on 31 Aug is 00:30 CEST on 1 Sep, so the months count from 1 Sep: no clamping.
    ['2024-08-31T22:30:00Z', 6, '2025-03-01', '2025-03-01T23:00:00.000Z'],
  ])('received %s, %i months later is due on %s at %s', (instant, months, dueDate, dueAt) => {
    expect(dueMonthsAfter(instant, months)).toEqual({ dueDate, dueAt });
  });
});

describe('rule 4: "N måneder før" a date is that date minus N months, clamped the same way', () => {
  it('6 months before 31 August 2026 is 28 February 2026', () => {
    expect(dueMonthsBefore('2026-08-31', 6)).toEqual({
      dueDate: '2026-02-28',
      dueAt: '2026-02-28T23:00:00.000Z',
    });
  });

  it('6 months before an 18th birthday on 1 March 2026 is 1 September 2025', () => {
    expect(dueMonthsBefore('2026-03-01', 6)).toEqual({
      dueDate: '2025-09-01',
      dueAt: '2025-09-01T22:00:00.000Z',
    });
  });

  it('6 months before 31 August 2028 is the leap day 29 February 2028', () => {
    expect(dueMonthsBefore('2028-08-31', 6)).toEqual({
      dueDate: '2028-02-29',
      dueAt: '2028-02-29T23:00:00.000Z',
    });
  });
});

describe('rule 12: due on and due before a date', () => {
  it('due on a date means before 00:00 local of the next day', () => {
    expect(dueOnDate('2025-03-29')).toEqual({ dueDate: '2025-03-29', dueAt: '2025-03-29T23:00:00.000Z' });
    expect(dueOnDate('2025-03-30')).toEqual({ dueDate: '2025-03-30', dueAt: '2025-03-30T22:00:00.000Z' });
    expect(dueOnDate('2025-10-26')).toEqual({ dueDate: '2025-10-26', dueAt: '2025-10-26T23:00:00.000Z' });
  });

  it('due before the 23rd birthday (AC-END) means by the end of the day before it', () => {
    expect(dueBeforeDate('2031-03-01')).toEqual({ dueDate: '2031-02-28', dueAt: '2031-02-28T23:00:00.000Z' });
    expect(dueBeforeDate('2031-03-01').dueAt).toBe(startOfLocalDay('2031-03-01'));
  });

  it('due before 1 January is due at the end of 31 December', () => {
    expect(dueBeforeDate('2026-01-01')).toEqual({ dueDate: '2025-12-31', dueAt: '2025-12-31T23:00:00.000Z' });
  });
});

describe('properties over random instants and dates, 1990-2040', () => {
  it('the 7-day due date is the local date of the instant plus 7 days', () => {
    fc.assert(
      fc.property(instants, (instant) => {
        expect(dueDaysAfter(instant, 7).dueDate).toBe(addDays(localDateOf(instant), 7));
      }),
    );
  });

  it('an N-day due instant is strictly after the triggering instant and is local midnight after the due date', () => {
    fc.assert(
      fc.property(instants, fc.integer({ min: 0, max: 400 }), (instant, days) => {
        const due = dueDaysAfter(instant, days);
        expect(Date.parse(due.dueAt)).toBeGreaterThan(Date.parse(instant));
        expect(localDateOf(due.dueAt)).toBe(addDays(due.dueDate, 1));
        expect(localDateOf(new Date(Date.parse(due.dueAt) - 1).toISOString())).toBe(due.dueDate);
      }),
    );
  });

  it('an instant lies within its local day, which is 23, 24 or 25 hours long', () => {
    fc.assert(
      fc.property(instants, (instant) => {
        const date = localDateOf(instant);
        const start = startOfLocalDay(date);
        const end = endOfLocalDay(date);
        expect(Date.parse(start)).toBeLessThanOrEqual(Date.parse(instant));
        expect(Date.parse(instant)).toBeLessThan(Date.parse(end));
        expect([23, 24, 25]).toContain(hoursBetween(start, end));
      }),
    );
  });

  it('the end of a local day is the start of the next one', () => {
    fc.assert(
      fc.property(localDates, (date) => {
        expect(endOfLocalDay(date)).toBe(startOfLocalDay(addDays(date, 1)));
        expect(localDateOf(startOfLocalDay(date))).toBe(date);
      }),
    );
  });

  it('adding months always yields a real date, in the right month, clamped only when the day does not exist', () => {
    fc.assert(
      fc.property(localDates, fc.integer({ min: -240, max: 240 }), (date, months) => {
        const result = addMonths(date, months);
        expect(isValidLocalDate(result)).toBe(true);
        const [y, m, d] = date.split('-').map(Number);
        const [ry, rm, rd] = result.split('-').map(Number);
        expect(ry * 12 + rm - (y * 12 + m)).toBe(months);
        const daysInTargetMonth = new Date(Date.UTC(ry, rm, 0)).getUTCDate();
        expect(rd).toBe(Math.min(d, daysInTargetMonth));
      }),
    );
  });

  it('adding days then subtracting them returns the same date, and compare agrees with the order', () => {
    fc.assert(
      fc.property(localDates, fc.integer({ min: -1000, max: 1000 }), (date, days) => {
        const later = addDays(date, days);
        expect(addDays(later, -days)).toBe(date);
        expect(compareLocalDates(later, date)).toBe(Math.sign(days));
      }),
    );
  });
});

describe('calendar arithmetic agrees with luxon (which it replaced for speed), every day 2000-2040 and around 1900 and 2100', () => {
  it('addDays, addMonths, addYears and dayOfWeek', () => {
    const disagreements: string[] = [];
    const days = [
      ['1899-12-01', '1901-03-01'],
      ['1999-12-01', '2041-01-31'],
      ['2099-12-01', '2101-03-01'],
    ].flatMap(([from, to]) => {
      const range: DateTime[] = [];
      for (let d = DateTime.fromISO(from, { zone: 'utc' }); d.toISODate()! <= to; d = d.plus({ days: 1 })) {
        range.push(d);
      }
      return range;
    });
    for (const day of days) {
      const date = day.toISODate()!;
      const expected = {
        days: [1, -1, 7, 366].map((n) => day.plus({ days: n }).toISODate()),
        months: [1, 3, 6, -1, -13].map((n) => day.plus({ months: n }).toISODate()),
        years: [1, 18, 23].map((n) => day.plus({ years: n }).toISODate()),
        weekday: day.weekday,
      };
      const actual = {
        days: [1, -1, 7, 366].map((n) => addDays(date, n)),
        months: [1, 3, 6, -1, -13].map((n) => addMonths(date, n)),
        years: [1, 18, 23].map((n) => addYears(date, n)),
        weekday: dayOfWeek(date),
      };
      if (JSON.stringify(actual) !== JSON.stringify(expected)) disagreements.push(date);
    }
    expect(disagreements).toEqual([]);
  });
});
