import { localDaysBetween, median, nearestRank } from './compliance-report';

describe('the compliance report’s figures', () => {
  it('takes the median as the middle value, or the mean of the two middle ones', () => {
    expect(median([])).toBeNull();
    expect(median([4])).toBe(4);
    expect(median([1, 3, 8])).toBe(3);
    expect(median([1, 3, 8, 10])).toBe(5.5);
  });

  it('takes the 90th percentile by nearest rank', () => {
    expect(nearestRank([], 90)).toBeNull();
    expect(nearestRank([7], 90)).toBe(7);
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(nearestRank(ten, 90)).toBe(9);
    expect(nearestRank([...ten, 11], 90)).toBe(10);
  });

  it('counts whole Copenhagen days, across the DST change and late in the evening', () => {
    expect(localDaysBetween('2026-03-28T10:00:00Z', '2026-03-30T10:00:00Z')).toBe(2);
    // 23:30 UTC on 9 March is 10 March in Copenhagen.
    expect(localDaysBetween('2026-03-09T23:30:00Z', '2026-03-10T08:00:00Z')).toBe(0);
    expect(localDaysBetween('2026-03-10T08:00:00Z', '2026-03-17T22:59:00Z')).toBe(7);
  });
});
