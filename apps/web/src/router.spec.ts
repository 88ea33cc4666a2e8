import { formatRoute, parseRoute } from './router';

describe('routes in the hash', () => {
  it('reads the three views and their filters', () => {
    expect(parseRoute('')).toEqual({ view: 'frister', filters: {} });
    expect(parseRoute('#/frister?regel=NSR-CONVENE&kommune=461&sag=0b6f')).toEqual({
      view: 'frister',
      filters: { rule: 'NSR-CONVENE', municipality: '461', caseId: '0b6f' },
    });
    expect(parseRoute('#/sag/0b6f3c1e-9f4a-5d2b-8c1e-2a7d4e6f8a90')).toEqual({
      view: 'sag',
      caseId: '0b6f3c1e-9f4a-5d2b-8c1e-2a7d4e6f8a90',
    });
    expect(parseRoute('#/overholdelse?fra=2026-01&til=2026-06')).toEqual({
      view: 'overholdelse',
      filters: { from: '2026-01', to: '2026-06' },
    });
  });

  it('drops a month that is not YYYY-MM and treats an unknown path as the board', () => {
    expect(parseRoute('#/overholdelse?fra=januar')).toEqual({ view: 'overholdelse', filters: {} });
    expect(parseRoute('#/noget')).toEqual({ view: 'frister', filters: {} });
  });

  it('writes what it reads', () => {
    for (const hash of ['#/frister?kommune=461&regel=NSR-HOLD', '#/sag/abc', '#/overholdelse?fra=2026-01']) {
      expect(formatRoute(parseRoute(hash))).toBe(hash);
    }
    expect(formatRoute({ view: 'frister', filters: {} })).toBe('#/frister');
  });
});
