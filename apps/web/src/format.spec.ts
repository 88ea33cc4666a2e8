import {
  copenhagenMonth,
  copenhagenParts,
  formatDate,
  formatDateTime,
  formatDeadline,
  formatDuration,
  formatLocalDate,
  formatMonth,
  timeFrom,
  timeToDue,
} from './format';

const at = (iso: string) => new Date(iso);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('Danish instants in Copenhagen time', () => {
  it('shows an instant on the wall clock of Copenhagen, in Danish', () => {
    expect(formatDateTime('2026-01-15T11:05:00Z')).toBe('15. januar 2026 kl. 12.05');
    expect(formatDateTime('2026-07-15T11:05:00Z')).toBe('15. juli 2026 kl. 13.05');
  });

  it('moves the clock an hour forward on the night of the spring DST change (29 March 2026)', () => {
    expect(formatDateTime('2026-03-29T00:30:00Z')).toBe('29. marts 2026 kl. 01.30');
    expect(formatDateTime('2026-03-29T01:30:00Z')).toBe('29. marts 2026 kl. 03.30');
  });

  it('shows the repeated hour twice on the night of the autumn DST change (25 October 2026)', () => {
    expect(formatDateTime('2026-10-25T00:30:00Z')).toBe('25. oktober 2026 kl. 02.30');
    expect(formatDateTime('2026-10-25T01:30:00Z')).toBe('25. oktober 2026 kl. 02.30');
    expect(formatDateTime('2026-10-25T02:30:00Z')).toBe('25. oktober 2026 kl. 03.30');
  });

  it('takes the date of an instant from Copenhagen, not UTC: 23:30Z on 29 March 2025 is 30 March', () => {
    expect(formatDate('2025-03-29T23:30:00Z')).toBe('30. marts 2025');
    expect(copenhagenParts('2025-03-29T23:30:00Z')).toEqual({ date: '2025-03-30', time: '00:30:00' });
    expect(copenhagenMonth('2023-12-31T23:30:00Z')).toBe('2024-01');
  });

  it('shows a local date as that calendar day whatever the zone', () => {
    expect(formatLocalDate('2026-03-10')).toBe('10. marts 2026');
    expect(formatLocalDate('2024-02-29')).toBe('29. februar 2024');
  });

  it('names months in Danish, short for axes and long for tables', () => {
    expect(formatMonth('2026-03')).toBe('mar. 2026');
    expect(formatMonth('2026-05', 'long')).toBe('maj 2026');
  });
});

describe('deadlines', () => {
  it('NSR-CONVENE due at the Copenhagen midnight after day 7 is shown as that day, in winter and in summer', () => {
    expect(formatDeadline('2026-03-10T23:00:00.000Z')).toBe('10. marts 2026');
    expect(formatDeadline('2026-04-01T22:00:00.000Z')).toBe('1. april 2026');
  });

  it('a deadline ending on the day of the spring DST change (a 23-hour day) is that day', () => {
    // End of local 29 March 2026 is 00:00 CEST on 30 March, 22:00Z.
    expect(formatDeadline('2026-03-29T22:00:00.000Z')).toBe('29. marts 2026');
  });

  it('a deadline at any other instant is shown with its time', () => {
    expect(formatDeadline('2026-03-10T14:00:00.000Z')).toBe('10. marts 2026 kl. 15.00');
  });
});

describe('time left and overdue, in words', () => {
  const now = at('2026-03-08T12:00:00Z');

  it('says how long is left: "om 2 dage", counted down to whole units', () => {
    expect(timeToDue('2026-03-10T12:00:00Z', now)).toBe('om 2 dage');
    expect(timeToDue('2026-03-10T20:00:00Z', now)).toBe('om 2 dage');
    expect(timeToDue('2026-03-08T15:30:00Z', now)).toBe('om 3 timer');
    expect(timeToDue('2026-03-08T12:01:00Z', now)).toBe('om 1 minut');
    expect(timeToDue('2026-03-08T12:00:03Z', now)).toBe('om 3 sekunder');
    expect(timeToDue('2026-03-09T12:00:00Z', now)).toBe('om 1 dag');
  });

  it('says how long ago a deadline passed: "overskredet for 3 timer siden"', () => {
    expect(timeToDue('2026-03-08T09:00:00Z', now)).toBe('overskredet for 3 timer siden');
    expect(timeToDue('2026-03-05T12:00:00Z', now)).toBe('overskredet for 3 dage siden');
    expect(timeToDue('2026-03-08T11:59:30Z', now)).toBe('overskredet for 30 sekunder siden');
    expect(timeToDue('2026-01-01T12:00:00Z', now)).toBe('overskredet for 2 måneder siden');
  });

  it('counts the due instant itself as overskredet: it is the breach instant', () => {
    expect(timeToDue('2026-03-08T12:00:00Z', now)).toBe('overskredet for 0 sekunder siden');
  });

  it('counts days across the spring DST change by elapsed time: 47 hours is 1 day', () => {
    const before = at('2026-03-28T23:00:00Z'); // midnight CET, 29 March
    expect(timeToDue('2026-03-30T22:00:00Z', before)).toBe('om 1 dag');
    expect(timeToDue('2026-03-31T22:00:00Z', before)).toBe('om 2 dage');
  });

  it('takes the clock as a number or a Date', () => {
    expect(timeToDue('2026-03-10T12:00:00Z', now.getTime())).toBe('om 2 dage');
    expect(timeFrom('2026-03-08T11:55:00Z', now)).toBe('for 5 minutter siden');
    expect(timeFrom('2026-03-09T12:00:00Z', now)).toBe('om 1 dag');
  });

  it('says a duration in Danish with singular and plural', () => {
    expect(formatDuration(3 * DAY + HOUR)).toBe('3 dage');
    expect(formatDuration(HOUR)).toBe('1 time');
    expect(formatDuration(2 * HOUR)).toBe('2 timer');
    expect(formatDuration(400 * DAY)).toBe('13 måneder');
  });
});
