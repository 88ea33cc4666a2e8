import fc from 'fast-check';
import { addDays, compareLocalDates, dayOfWeek, dueOnDate } from './local-date';
import {
  applyRollForward,
  EXTRA_NON_WORKING_DAYS,
  type ExtraNonWorkingDay,
  isWorkingDay,
  rollForward,
} from './working-days';

const ALL_EXTRAS: ExtraNonWorkingDay[] = ['constitution-day', 'christmas-eve', 'new-years-eve'];

describe('rule 5: working days are Monday to Friday minus public holidays', () => {
  it.each([
    ['2025-03-03', true], // Monday
    ['2025-03-07', true], // Friday
    ['2025-03-01', false], // Saturday
    ['2025-03-02', false], // Sunday
    ['2025-04-17', false], // Skærtorsdag
    ['2025-04-21', false], // 2. påskedag
    ['2023-05-05', false], // Store bededag 2023
    ['2024-04-26', true], // the Friday that was Store bededag until 2023
    ['2025-06-05', true], // Grundlovsdag, off only when configured
    ['2025-12-24', true], // Wednesday, 24 Dec, off only when configured
    ['2025-12-31', true],
  ])('isWorkingDay(%s) with no extras is %s', (date, expected) => {
    expect(isWorkingDay(date)).toBe(expected);
  });

  it('names the extra days and dates them 5 June, 24 December and 31 December', () => {
    expect(EXTRA_NON_WORKING_DAYS).toEqual({
      'constitution-day': { month: 6, day: 5, name: 'Grundlovsdag' },
      'christmas-eve': { month: 12, day: 24, name: 'Juleaftensdag' },
      'new-years-eve': { month: 12, day: 31, name: 'Nytårsaftensdag' },
    });
  });

  it.each([
    ['2025-06-05', 'constitution-day'],
    ['2025-12-24', 'christmas-eve'],
    ['2025-12-31', 'new-years-eve'],
  ] as const)('%s is not a working day when %s is configured as an extra', (date, extra) => {
    expect(isWorkingDay(date, { extraNonWorkingDays: [extra] })).toBe(false);
    expect(isWorkingDay(date, { extraNonWorkingDays: ALL_EXTRAS.filter((e) => e !== extra) })).toBe(true);
  });

  it('refuses an unknown extra day, including names inherited from Object.prototype', () => {
    for (const extra of ['easter-saturday', 'toString', 'constructor']) {
      expect(() =>
        isWorkingDay('2025-03-03', { extraNonWorkingDays: [extra as ExtraNonWorkingDay] }),
      ).toThrow(RangeError);
    }
  });

  it('refuses a malformed date', () => {
    expect(() => isWorkingDay('2025-02-29')).toThrow(RangeError);
    expect(() => rollForward('03/03/2025')).toThrow(RangeError);
  });
});

describe('rule 5: roll-forward to the next working day', () => {
  it('a working day rolls to itself', () => {
    expect(rollForward('2025-03-04')).toBe('2025-03-04');
  });

  it('a Saturday rolls to the Monday', () => {
    expect(rollForward('2025-03-01')).toBe('2025-03-03');
  });

  it('Skærtorsdag 2025 rolls to the Tuesday, since Friday, Saturday, Sunday and Monday are all off', () => {
    expect(rollForward('2025-04-17')).toBe('2025-04-22');
  });

  it('Store bededag 2023 (a Friday) rolls to the Monday', () => {
    expect(rollForward('2023-05-05')).toBe('2023-05-08');
  });

  it('24 December 2025 (a Wednesday) is a working day without the extra set', () => {
    expect(rollForward('2025-12-24')).toBe('2025-12-24');
  });

  it('24 December 2025 rolls past Christmas and the weekend to Monday 29 December with christmas-eve on', () => {
    expect(rollForward('2025-12-24', { extraNonWorkingDays: ['christmas-eve'] })).toBe('2025-12-29');
  });

  it('31 December 2025 rolls past Nytårsdag to Friday 2 January 2026 with new-years-eve on', () => {
    expect(rollForward('2025-12-31', { extraNonWorkingDays: ['new-years-eve'] })).toBe('2026-01-02');
  });

  it('Grundlovsdag 2025 (a Thursday) rolls to Friday 6 June with constitution-day on', () => {
    expect(rollForward('2025-06-05', { extraNonWorkingDays: ['constitution-day'] })).toBe('2025-06-06');
  });

  it('strict is the default: without roll-forward the rolled due is null', () => {
    const strict = dueOnDate('2025-04-17');
    expect(applyRollForward(strict, false)).toEqual({ strict, rolled: null });
  });

  it('with roll-forward on, a due date on Skærtorsdag carries both the strict and the rolled due', () => {
    const strict = dueOnDate('2025-04-17');
    expect(applyRollForward(strict, true)).toEqual({
      strict: { dueDate: '2025-04-17', dueAt: '2025-04-17T22:00:00.000Z' },
      rolled: { dueDate: '2025-04-22', dueAt: '2025-04-22T22:00:00.000Z' },
    });
  });

  it('with roll-forward on, a due date already on a working day rolls to itself', () => {
    const strict = dueOnDate('2025-12-24');
    expect(applyRollForward(strict, true)).toEqual({ strict, rolled: strict });
  });

  it('with roll-forward on and christmas-eve configured, 24 December 2025 rolls to 29 December', () => {
    const strict = dueOnDate('2025-12-24');
    expect(applyRollForward(strict, true, { extraNonWorkingDays: ['christmas-eve'] })).toEqual({
      strict,
      rolled: { dueDate: '2025-12-29', dueAt: '2025-12-29T23:00:00.000Z' },
    });
  });

  it('property: the rolled date is a working day, not before the input, and every day skipped is non-working', () => {
    const FROM_1990 = Date.UTC(1990, 0, 1);
    const days = (Date.UTC(2041, 0, 1) - FROM_1990) / 86_400_000;
    const localDates = fc
      .integer({ min: 0, max: days - 1 })
      .map((d) => new Date(FROM_1990 + d * 86_400_000).toISOString().slice(0, 10));
    const extras = fc.subarray(ALL_EXTRAS);
    fc.assert(
      fc.property(localDates, extras, (date, extraNonWorkingDays) => {
        const options = { extraNonWorkingDays };
        const rolled = rollForward(date, options);
        expect(isWorkingDay(rolled, options)).toBe(true);
        expect(dayOfWeek(rolled)).toBeLessThanOrEqual(5);
        expect(compareLocalDates(rolled, date)).toBeGreaterThanOrEqual(0);
        for (let d = date; compareLocalDates(d, rolled) < 0; d = addDays(d, 1)) {
          expect(isWorkingDay(d, options)).toBe(false);
        }
      }),
    );
  });
});
