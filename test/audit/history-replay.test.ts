import type { Response } from 'supertest';
import { cprFor, startTestApi, type TestApi } from '../support/api';
import { expectRefusal, postAccepted } from '../support/api-requests';

/** A few connections are plenty for these tests; the server is shared with other test files. */
const SMALL_POOL = { DATABASE_POOL_SIZE: '4' };

jest.setTimeout(120_000);

interface OpenObligation {
  readonly obligationId: string;
  readonly state: string;
}
interface HistoryEvent {
  readonly revision: number;
  readonly type: string;
  readonly actor: string;
  readonly actorRole: string | null;
  readonly data: Record<string, unknown>;
  readonly stateAfter: {
    readonly phase: string;
    readonly openObligations: OpenObligation[];
    readonly counts: Record<string, number>;
  };
}

const PURPOSE = 'Intern revision 2026, stikprøve 7';
const CONVENE_1 = 'NSR-CONVENE:documentation:pol-1';
const CONVENE_2 = 'NSR-CONVENE:documentation:pol-2';
const MOTHER = 'Mette Kjærsgaard Jensen';
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Issue 13, point 1 and 5: the history with the case state after every event, replayed as known at `knownAt`
 * about `asOf`, around facts posted late; and its CSV export. The real app over PostgreSQL, no worker: every
 * breach here is one a posted fact recorded.
 */
describe('case history replay and export (PostgreSQL)', () => {
  let api: TestApi;
  let tokens: Record<'i461' | 'sup461' | 'auditor', string>;
  let caseId = '';
  let commands = 0;
  /** Record time before pol-1 was posted. */
  let beforeLateNotification = '';
  /** Record time after pol-2 was posted on time, before its late convocation. */
  let beforeLateConvocation = '';

  const command = (token: string, path: string, body: object) =>
    postAccepted(api, token, path, body, `cmd-${++commands}`);
  const history = (query: Record<string, string> = {}, token = tokens.auditor) =>
    api.http
      .get(`/v1/cases/${caseId}/history`)
      .query(query)
      .set('X-Audit-Purpose', encodeURIComponent(PURPOSE))
      .set('Authorization', `Bearer ${token}`);
  const csvRequest = (query: Record<string, string> = {}) =>
    api.http
      .get(`/v1/cases/${caseId}/history.csv`)
      .query(query)
      .set('X-Audit-Purpose', encodeURIComponent(PURPOSE))
      .set('Authorization', `Bearer ${tokens.auditor}`);
  /** The CSV's bytes as sent, BOM included. */
  const csv = (query: Record<string, string> = {}) =>
    csvRequest(query)
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      });
  const lastState = (response: Response) => (response.body.events as HistoryEvent[]).at(-1)!.stateAfter;
  const stateOf = (response: Response, obligationId: string) =>
    lastState(response).openObligations.find((o) => o.obligationId === obligationId)?.state;

  beforeAll(async () => {
    api = await startTestApi({ now: '2026-03-12T12:00:00Z', env: SMALL_POOL });
    tokens = {
      i461: await api.key('integration', ['461']),
      sup461: await api.key('supervisor', ['461']),
      auditor: await api.key('auditor', ['461']),
    };
    caseId = (
      await command(tokens.i461, '/v1/cases', {
        cpr: cprFor('2010-09-10'),
        municipality: '461',
        occurredAt: '2026-03-01T09:00:00Z',
      })
    ).body.caseId;
    await pause(20);
    beforeLateNotification = new Date().toISOString();
    await pause(20);
    // Received 10 March, due at the end of 17 March, posted on the 25th: opened and breached at once.
    api.clock.set('2026-03-25T12:00:00Z');
    await command(tokens.i461, `/v1/cases/${caseId}/police-notifications`, {
      documentationId: 'pol-1',
      kind: 'interview-invitation',
      offenceCategories: ['robbery'],
      occurredAt: '2026-03-10T10:00:00Z',
    });
    // Received 24 March, due at the end of the 31st, posted the next day: open.
    await command(tokens.i461, `/v1/cases/${caseId}/police-notifications`, {
      documentationId: 'pol-2',
      kind: 'weekly-report',
      offenceCategories: ['theft'],
      occurredAt: '2026-03-24T10:00:00Z',
    });
    await pause(20);
    beforeLateConvocation = new Date().toISOString();
    await pause(20);
    // Convened 2 April, after the due, posted on the 3rd: the late fact breaches pol-2's obligation.
    api.clock.set('2026-04-03T12:00:00Z');
    await command(tokens.i461, `/v1/cases/${caseId}/network-council/convocations`, {
      councilId: 'c-2',
      documentationId: 'pol-2',
      invitees: [{ role: 'youth' }, { role: 'custody-holder', description: MOTHER }],
      meetingDate: '2026-04-10',
      occurredAt: '2026-04-02T10:00:00Z',
    });
  });

  afterAll(async () => {
    await api?.close();
  });

  it('gives each event its actor’s role and the case state after it, folded by the domain', async () => {
    const response = await history().expect(200);
    const events = response.body.events as HistoryEvent[];
    expect(events.every((event) => event.actorRole === 'integration')).toBe(true);
    expect(events[0]).toMatchObject({
      type: 'CaseOpened',
      stateAfter: { phase: 'open', openObligations: [] },
    });
    const opened = events.find((e) => e.type === 'ObligationOpened' && e.data.obligationId === CONVENE_1)!;
    expect(opened.stateAfter.openObligations).toEqual([
      { obligationId: CONVENE_1, ruleId: 'NSR-CONVENE', dueAt: '2026-03-17T23:00:00.000Z', state: 'open' },
    ]);
    const breached = events.find(
      (e) => e.type === 'ObligationBreached' && e.data.obligationId === CONVENE_1,
    )!;
    expect(breached.stateAfter.openObligations).toEqual([
      expect.objectContaining({ obligationId: CONVENE_1, state: 'breached' }),
    ]);
    expect(breached.stateAfter.counts).toMatchObject({ breached: 1, open: 0 });
    const convened = events.find((e) => e.type === 'CouncilConvened')!;
    expect(convened.stateAfter.phase).toBe('network-council');
    const final = events.at(-1)!.stateAfter;
    expect(final.counts).toMatchObject({ 'fulfilled-late': 1, breached: 1 });
    expect(final.openObligations.map((o) => o.obligationId)).toContain(CONVENE_1);
    expect(final.openObligations.map((o) => o.obligationId)).not.toContain(CONVENE_2);
  });

  it('a notification posted after its due: unknown before its recordedAt, and breached from then on', async () => {
    const before = await history({ knownAt: beforeLateNotification, asOf: '2026-03-20T00:00:00Z' }).expect(
      200,
    );
    expect(before.body.obligations).toEqual([]);
    expect(lastState(before)).toMatchObject({ phase: 'open', openObligations: [] });

    const after = await history({ knownAt: beforeLateConvocation, asOf: '2026-03-20T00:00:00Z' }).expect(200);
    expect(stateOf(after, CONVENE_1)).toBe('breached');
    // About a moment before its due, the same knowledge shows it open.
    const beforeDue = await history({ knownAt: beforeLateConvocation, asOf: '2026-03-15T00:00:00Z' }).expect(
      200,
    );
    expect(stateOf(beforeDue, CONVENE_1)).toBe('open');
    expect((beforeDue.body.obligations as { obligationId: string; breached: boolean }[])[0]).toMatchObject({
      obligationId: CONVENE_1,
      breached: false,
    });
  });

  it('an obligation a late fact fulfilled late is shown open before that fact was known, fulfilled late from then on', async () => {
    const asOf = '2026-04-02T12:00:00Z';
    const before = await history({ knownAt: beforeLateConvocation, asOf }).expect(200);
    expect(stateOf(before, CONVENE_2)).toBe('open');
    expect(before.body.obligations as { obligationId: string; status: string; breached: boolean }[]).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ obligationId: CONVENE_2, status: 'open', breached: false }),
      ]),
    );

    const after = await history({ asOf }).expect(200);
    const obligation = (
      after.body.obligations as {
        obligationId: string;
        status: string;
        breached: boolean;
        life: { kind: string; onTime?: boolean }[];
      }[]
    ).find((o) => o.obligationId === CONVENE_2);
    // No deadline engine ran here: the late convocation itself fulfilled it, late.
    expect(obligation).toMatchObject({ status: 'fulfilled', breached: false });
    expect(obligation!.life.at(-1)).toMatchObject({ kind: 'fulfilled', onTime: false });
    expect(stateOf(after, CONVENE_2)).toBeUndefined();
    expect(lastState(after).counts['fulfilled-late']).toBe(1);
  });

  it('exports the history as CSV for Danish spreadsheets: ; separated, BOM on request, no personal data', async () => {
    const json = await history().expect(200);
    const plain = await csv().expect(200);
    expect(plain.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(plain.headers['content-disposition']).toBe(`attachment; filename="case-${caseId}-history.csv"`);
    const text = (plain.body as Buffer).toString('utf8');
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
    const lines = text.split('\r\n');
    expect(lines[0]).toBe(
      'revision;type;occurredAt;recordedAt;actor;actorRole;obligationId;phaseAfter;openObligationsAfter;breachedOpenAfter;data',
    );
    expect(lines.at(-1)).toBe('');
    expect(lines).toHaveLength((json.body.events as unknown[]).length + 2);
    const breach = lines.find((line) => line.includes(';ObligationBreached;') && line.includes(CONVENE_1))!;
    expect(breach.split(';').slice(1, 2)).toEqual(['ObligationBreached']);
    expect(breach).toContain(`${CONVENE_1} (breached)`);
    expect(text).not.toContain(MOTHER);
    expect(text).not.toContain(cprFor('2010-09-10'));

    const withBom = await csv({ bom: 'true', view: 'obligations' }).expect(200);
    const bytes = withBom.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(rows[0]).toBe(
      'obligationId;ruleId;dueAt;status;step;at;recordedAt;revision;by;onTime;reason;justification',
    );
    expect(rows.filter((row) => row.startsWith(`${CONVENE_2};`)).map((row) => row.split(';')[4])).toEqual([
      'opened',
      'fulfilled',
    ]);
  });

  it('guards the CSV against formulas in text a caller wrote', async () => {
    api.clock.set('2026-04-03T13:00:00Z');
    const waived = await command(tokens.sup461, `/v1/cases/${caseId}/obligations/${CONVENE_1}/waivers`, {
      justification: '=HYPERLINK("http://evil.example";"klik")',
      occurredAt: '2026-04-03T12:30:00Z',
    });
    expect(waived.status).toBe(201);
    const rows = (await csv({ view: 'obligations' }).expect(200)).body
      .toString('utf8')
      .split('\r\n') as string[];
    const step = rows.find((row) => row.startsWith(`${CONVENE_1};`) && row.split(';')[4] === 'waived')!;
    expect(step.endsWith(`;"'=HYPERLINK(""http://evil.example"";""klik"")"`)).toBe(true);
  });

  it('is visible where the case is now: after a transfer, to the receiving municipality only', async () => {
    api.clock.set('2026-04-03T14:00:00Z');
    const moved = (
      await command(tokens.i461, '/v1/cases', {
        cpr: cprFor('2011-02-02'),
        municipality: '461',
        occurredAt: '2026-04-01T09:00:00Z',
      })
    ).body.caseId as string;
    await command(tokens.i461, `/v1/cases/${moved}/transfers`, {
      toMunicipality: '101',
      occurredAt: '2026-04-02T09:00:00Z',
    });
    const auditor101 = await api.key('auditor', ['101']);
    const of = (token: string, path: string) =>
      api.http
        .get(`/v1/cases/${moved}/${path}`)
        .set('X-Audit-Purpose', encodeURIComponent(PURPOSE))
        .set('Authorization', `Bearer ${token}`);
    for (const path of ['history', 'history.csv']) {
      expectRefusal(await of(tokens.auditor, path), {
        status: 404,
        code: 'case-not-found',
        field: undefined,
      });
    }
    const seen = await of(auditor101, 'history').expect(200);
    expect(seen.body).toMatchObject({ caseId: moved, municipality: '101' });
    expect((seen.body.events as HistoryEvent[]).map((e) => e.type)).toEqual([
      'CaseOpened',
      'CaseTransferred',
    ]);
  });

  it('refuses bad export parameters naming them', async () => {
    expectRefusal(await csvRequest({ bom: 'yes' }), { status: 400, code: 'invalid-boolean', field: 'bom' });
    expectRefusal(await csvRequest({ view: 'all' }), { status: 400, code: 'invalid-view', field: 'view' });
    expectRefusal(await csvRequest({ asOf: '2026-03-11' }), {
      status: 400,
      code: 'invalid-instant',
      field: 'asOf',
    });
  });
});
