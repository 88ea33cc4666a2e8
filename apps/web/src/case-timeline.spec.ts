import type { CaseHistory, HistoryObligation } from './api-types';
import { isWaivable, orderObligations, timeline } from './case-timeline';
import type { RuleOption } from './catalogue';

const obligation = (overrides: Partial<HistoryObligation> & Pick<HistoryObligation, 'obligationId'>) =>
  ({
    ruleId: 'NSR-CONVENE',
    title:
      'Convene a network council (netværkssamråd) no later than 7 days after receiving police documentation',
    basis: 'statute',
    citation: 'Barnets lov',
    variant: 'barnets-lov',
    dueAt: '2026-12-08T23:00:00.000Z',
    status: 'open',
    breached: false,
    life: [],
    ...overrides,
  }) as HistoryObligation;

const history: CaseHistory = {
  caseId: 'c1',
  municipality: '461',
  revision: 3,
  obligations: [obligation({ obligationId: 'NSR-CONVENE:documentation:pol-1' })],
  events: [
    {
      revision: 0,
      eventId: 'e0',
      type: 'CaseOpened',
      occurredAt: '2026-12-01T09:00:00.000Z',
      recordedAt: '2026-12-01T09:00:00.100Z',
      actor: 'k1',
      data: {},
    },
    // Posted three days late, but it happened first among what follows.
    {
      revision: 1,
      eventId: 'e1',
      type: 'PoliceDocumentationReceived',
      occurredAt: '2026-12-01T10:00:00.000Z',
      recordedAt: '2026-12-04T08:00:00.000Z',
      actor: 'k1',
      data: { documentationId: 'pol-1', offenceCategories: ['robbery'] },
    },
    {
      revision: 2,
      eventId: 'e2',
      type: 'ObligationOpened',
      occurredAt: '2026-12-01T10:00:00.000Z',
      recordedAt: '2026-12-04T08:00:00.000Z',
      actor: 'k1',
      data: { obligationId: 'NSR-CONVENE:documentation:pol-1' },
    },
    {
      revision: 3,
      eventId: 'e3',
      type: 'ObligationNotOpened',
      occurredAt: '2026-12-01T10:00:00.000Z',
      recordedAt: '2026-12-04T08:00:00.000Z',
      actor: 'k1',
      data: {},
    },
  ],
};

const catalogue: { rules: RuleOption[] } = {
  rules: [
    {
      ruleId: 'NSR-CONVENE',
      titleDa: 'Netværkssamråd skal indkaldes',
      basis: 'statute',
      citation: 'Barnets lov',
    },
  ],
};

describe('a case in business time', () => {
  it('orders facts and derived events by when they happened, ties by revision, and says what was posted late', () => {
    const entries = timeline({ ...history, events: [...history.events].reverse() }, catalogue);
    expect(entries.map((entry) => entry.type)).toEqual([
      'CaseOpened',
      'PoliceDocumentationReceived',
      'ObligationOpened',
    ]);
    expect(entries[0].recordedLateMs).toBeNull();
    expect(entries[1].recordedLateMs).toBe(70 * 3_600_000);
    expect(entries[1].label).toBe('Dokumentation fra politiet modtaget');
    expect(entries[1].details).toEqual(['dokumentation pol-1', 'forhold: robbery']);
    expect(entries[2].kind).toBe('obligation');
    expect(entries[2].details).toEqual(['NSR-CONVENE: Netværkssamråd skal indkaldes']);
  });

  it('names an obligation of a rule the catalogue lacks by the history’s own title', () => {
    const entries = timeline(history, { rules: [] });
    expect(entries[2].details).toEqual([`NSR-CONVENE: ${history.obligations[0].title}`]);
  });

  it('lists open obligations first, soonest due first, and lets only open ones be waived', () => {
    const fulfilled = obligation({
      obligationId: 'a',
      status: 'fulfilled',
      dueAt: '2026-12-20T23:00:00.000Z',
    });
    const later = obligation({ obligationId: 'b', dueAt: '2026-12-30T23:00:00.000Z' });
    const sooner = obligation({ obligationId: 'c', dueAt: '2026-12-10T23:00:00.000Z', breached: true });
    const none = obligation({ obligationId: 'd', dueAt: null });
    expect(orderObligations([fulfilled, none, later, sooner]).map((one) => one.obligationId)).toEqual([
      'c',
      'b',
      'd',
      'a',
    ]);
    expect(isWaivable(sooner)).toBe(true);
    expect(isWaivable(fulfilled)).toBe(false);
  });
});
