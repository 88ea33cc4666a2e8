import { randomUUID } from 'node:crypto';
import { cprFor, startTestApi, type TestApi } from '../support/api';
import { postAccepted } from '../support/api-requests';

/**
 * The youth, not the case, and facts out of order, through the API on real PostgreSQL: the re-offence rule
 * looks at every case of the same CPR number in the municipality, and a council posted after a later
 * notification turns that notification's NSR-CONVENE into NSR-REOFFENCE with explicit events.
 */

jest.setTimeout(60_000);

const NOW = '2026-03-25T12:00:00Z';
const YOUTH = cprFor('2010-03-01', 4127);

describe('rules that look at the youth’s history', () => {
  let api: TestApi;
  let token: string;

  beforeAll(async () => {
    api = await startTestApi({ now: NOW });
    token = await api.key('integration', ['461', '101']);
  });
  afterAll(async () => {
    await api?.close();
  });

  const post = (path: string, body: Record<string, unknown>) =>
    postAccepted(api, token, path, body, randomUUID());

  async function openCase(cpr: string, municipality: string, occurredAt: string): Promise<string> {
    const opened = await post('/v1/cases', { cpr, municipality, occurredAt });
    return opened.body.caseId as string;
  }
  const notify = (caseId: string, documentationId: string, occurredAt: string) =>
    post(`/v1/cases/${caseId}/police-notifications`, {
      documentationId,
      kind: 'interview-invitation',
      offenceCategories: ['robbery'],
      occurredAt,
    });
  const convene = (caseId: string, councilId: string, documentationId: string, occurredAt: string) =>
    post(`/v1/cases/${caseId}/network-council/convocations`, {
      councilId,
      documentationId,
      invitees: [{ role: 'youth' }],
      meetingDate: occurredAt.slice(0, 10),
      occurredAt,
    });
  const hold = (caseId: string, councilId: string, occurredAt: string) =>
    post(`/v1/cases/${caseId}/network-council/${councilId}/held`, {
      participants: [{ role: 'youth' }],
      agreements: ['School every day'],
      occurredAt,
    });
  const openedRules = (response: { body: { obligations: { opened: Array<{ ruleId: string }> } } }) =>
    response.body.obligations.opened.map((o) => o.ruleId);

  it('opens NSR-REOFFENCE naming the first case’s council for a notification in a second case of the same youth', async () => {
    const first = await openCase(YOUTH, '461', '2025-01-02T09:00:00Z');
    await notify(first, 'pol-1', '2025-03-01T10:00:00Z');
    await convene(first, 'council-1', 'pol-1', '2025-03-03T10:00:00Z');
    await hold(first, 'council-1', '2025-03-10T10:00:00Z');

    const second = await openCase(YOUTH, '461', '2026-01-05T09:00:00Z');
    const notified = await notify(second, 'pol-2', '2026-02-01T10:00:00Z');
    expect(openedRules(notified)).toEqual(['NSR-REOFFENCE']);
    expect(notified.body.obligations.opened[0]).toMatchObject({
      obligationId: 'NSR-REOFFENCE:documentation:pol-2',
      refersTo: {
        caseId: first,
        type: 'CouncilHeld',
        key: 'council-1@2025-03-10T10:00:00Z',
        occurredAt: '2025-03-10T10:00:00Z',
      },
    });

    const read = await api.http.get(`/v1/cases/${second}`).set('Authorization', `Bearer ${token}`);
    expect(read.status).toBe(200);
    const open = read.body.obligations.open as Array<{ ruleId: string; refersTo?: { caseId: string } }>;
    expect(open.find((o) => o.ruleId === 'NSR-REOFFENCE')?.refersTo?.caseId).toBe(first);
  });

  it('opens NSR-CONVENE for the same youth in another municipality: the history is the municipality’s', async () => {
    const elsewhere = await openCase(YOUTH, '101', '2026-01-05T09:00:00Z');
    const notified = await notify(elsewhere, 'pol-3', '2026-02-01T10:00:00Z');
    expect(openedRules(notified)).toEqual(['NSR-CONVENE']);
    expect(notified.body.obligations.opened[0].refersTo).toBeUndefined();
  });

  it('opens NSR-CONVENE for another youth in the same municipality', async () => {
    const other = await openCase(cprFor('2010-03-02', 4122), '461', '2026-01-05T09:00:00Z');
    expect(openedRules(await notify(other, 'pol-4', '2026-02-01T10:00:00Z'))).toEqual(['NSR-CONVENE']);
  });

  it('a council held on 3 March posted after a notification of 10 March supersedes its NSR-CONVENE', async () => {
    const caseId = await openCase(cprFor('2011-05-05', 4125), '461', '2026-01-05T09:00:00Z');
    await notify(caseId, 'pol-8', '2026-02-20T10:00:00Z');
    await convene(caseId, 'council-8', 'pol-8', '2026-02-22T10:00:00Z');
    expect(openedRules(await notify(caseId, 'pol-9', '2026-03-10T10:00:00Z'))).toEqual(['NSR-CONVENE']);

    const late = await hold(caseId, 'council-8', '2026-03-03T10:00:00Z');
    const lateFact = { type: 'CouncilHeld', key: 'council-8@2026-03-03T10:00:00Z' };
    expect(late.body.obligations.superseded).toEqual([
      {
        obligationId: 'NSR-CONVENE:documentation:pol-9',
        ruleId: 'NSR-CONVENE',
        lateFact,
        replacedBy: ['NSR-REOFFENCE:documentation:pol-9'],
      },
    ]);
    expect(late.body.obligations.cancelled).toContainEqual(
      expect.objectContaining({
        obligationId: 'NSR-CONVENE:documentation:pol-9',
        reason: 'superseded-by-late-fact',
      }),
    );
    expect(late.body.obligations.opened).toContainEqual(
      expect.objectContaining({ obligationId: 'NSR-REOFFENCE:documentation:pol-9', lateFact }),
    );

    const read = await api.http.get(`/v1/cases/${caseId}`).set('Authorization', `Bearer ${token}`);
    expect(read.body.obligations.superseded).toEqual(late.body.obligations.superseded);
    expect(read.body.obligations.closed).toContainEqual(
      expect.objectContaining({
        obligationId: 'NSR-CONVENE:documentation:pol-9',
        status: 'cancelled',
        supersededBy: lateFact,
      }),
    );
  });
});
