import type { Response } from 'supertest';
import { auditLines, auditTextWithoutRandomParts, cprFor, startTestApi, type TestApi } from '../support/api';
import { awaitReadModel, isProblemJson, postAccepted, refusalOf } from '../support/api-requests';

jest.setTimeout(120_000);

interface Item {
  readonly caseId: string;
  readonly obligationId: string;
  readonly municipality: string;
  readonly ruleId: string;
  readonly state: string;
  readonly dueAt: string | null;
}

const ALL_STATES = 'open,due-soon,breached,fulfilled,cancelled,waived';
const key = (item: Pick<Item, 'caseId' | 'obligationId'>) => `${item.caseId}/${item.obligationId}`;
const keys = (items: readonly Item[]) => items.map(key).sort();

/** Municipality codes with no obligations in this test (Danish municipality numbers). */
const NINE_MORE = ['147', '151', '153', '155', '157', '159', '161', '163', '165'];

/**
 * GET /v1/obligations and /summary against the real app with its worker in the process (FRISTVAGT_ROLE=all),
 * so the obligations read model is built from the commands posted here. Every fact happened shortly before
 * the pinned clock and every open obligation warns after it, so no wake-up changes a state during the run.
 */
describe('obligation queries (PostgreSQL, api and worker in one process)', () => {
  let api: TestApi;
  let tokens: Record<'i461' | 'i101' | 'sup461' | 'sup461and101' | 'supOf11' | 'admin' | 'auditor', string>;
  let commands = 0;
  /** What the commands' responses say they opened, fulfilled, waived and cancelled. */
  const expected = new Map<string, { municipality: string; ruleId: string; state: string }>();
  let lastPosition = '';
  const cases: Record<'a' | 'b' | 'c' | 'd' | 'e', string> = { a: '', b: '', c: '', d: '', e: '' };

  const at = (hoursBeforeNow: number) =>
    new Date(api.clock.now().getTime() - hoursBeforeNow * 3_600_000).toISOString();

  async function command(token: string, path: string, body: object, municipality: string): Promise<Response> {
    const response = await postAccepted(api, token, path, body, `cmd-${++commands}`);
    const caseId: string = response.body.caseId;
    const { opened, fulfilled, cancelled, waived } = response.body.obligations;
    for (const o of opened)
      expected.set(`${caseId}/${o.obligationId}`, { municipality, ruleId: o.ruleId, state: 'open' });
    for (const [list, state] of [
      [fulfilled, 'fulfilled'],
      [cancelled, 'cancelled'],
      [waived, 'waived'],
    ] as const) {
      for (const o of list as Array<{ obligationId: string }>)
        expected.get(`${caseId}/${o.obligationId}`)!.state = state;
    }
    lastPosition = response.body.position;
    return response;
  }

  const openCase = async (token: string, municipality: string, birthDate: string) =>
    (
      await command(
        token,
        '/v1/cases',
        { cpr: cprFor(birthDate), municipality, occurredAt: at(72) },
        municipality,
      )
    ).body.caseId as string;

  const notifyPolice = (
    token: string,
    caseId: string,
    documentationId: string,
    hoursAgo: number,
    municipality: string,
  ) =>
    command(
      token,
      `/v1/cases/${caseId}/police-notifications`,
      {
        documentationId,
        kind: 'interview-invitation',
        offenceCategories: ['robbery'],
        occurredAt: at(hoursAgo),
      },
      municipality,
    );

  // Auditors state a purpose with every read (issue 13); other roles' requests ignore the header.
  const get = (token: string, query: Record<string, string | string[]> = {}, path = '/v1/obligations') =>
    api.http
      .get(path)
      .query(query)
      .set('X-Audit-Purpose', 'Intern revision 2026')
      .set('Authorization', `Bearer ${token}`);

  /** Every page of a query, following `next`. */
  async function walk(token: string, query: Record<string, string>, limit: number): Promise<Item[][]> {
    const pages: Item[][] = [];
    let cursor: string | null = null;
    do {
      const response: Response = await get(token, {
        ...query,
        limit: String(limit),
        ...(cursor !== null && { cursor }),
      }).expect(200);
      pages.push(response.body.items);
      cursor = response.body.next;
      expect(pages.length).toBeLessThan(100);
    } while (cursor !== null);
    return pages;
  }

  const expectedKeys = (predicate: (e: { municipality: string; ruleId: string; state: string }) => boolean) =>
    [...expected]
      .filter(([, e]) => predicate(e))
      .map(([k]) => k)
      .sort();

  const isOpen = (state: string) => ['open', 'due-soon', 'breached'].includes(state);

  beforeAll(async () => {
    api = await startTestApi({ now: '2026-03-25T12:00:00Z', env: { FRISTVAGT_ROLE: 'all' } });
    tokens = {
      i461: await api.key('integration', ['461']),
      i101: await api.key('integration', ['101']),
      sup461: await api.key('supervisor', ['461']),
      sup461and101: await api.key('supervisor', ['461', '101']),
      // 11 municipalities × 6 states: more ranges than one statement merges (RANGES_AT_MOST), read by LATERAL.
      supOf11: await api.key('supervisor', ['461', '101', ...NINE_MORE]),
      admin: await api.key('admin', '*'),
      auditor: await api.key('auditor', ['461', '101']),
    };

    // a (461): two notifications, two NSR-CONVENE due on different days.
    cases.a = await openCase(tokens.i461, '461', '2011-05-05');
    await notifyPolice(tokens.i461, cases.a, 'pol-a1', 30, '461');
    await notifyPolice(tokens.i461, cases.a, 'pol-a2', 2, '461');

    // b (461): a council convened (NSR-CONVENE fulfilled, NSR-HOLD opened) and held (NSR-PLAN without a due,
    // NSR-FOLLOWUP), then two notifications within the year: NSR-REOFFENCE twice, without a due.
    cases.b = await openCase(tokens.i461, '461', '2010-09-10');
    await notifyPolice(tokens.i461, cases.b, 'pol-b1', 48, '461');
    await command(
      tokens.i461,
      `/v1/cases/${cases.b}/network-council/convocations`,
      {
        councilId: 'c-1',
        documentationId: 'pol-b1',
        invitees: [{ role: 'youth' }],
        meetingDate: '2026-03-24',
        occurredAt: at(40),
      },
      '461',
    );
    await command(
      tokens.i461,
      `/v1/cases/${cases.b}/network-council/c-1/held`,
      { participants: [{ role: 'youth' }], agreements: ['School'], occurredAt: at(20) },
      '461',
    );
    await notifyPolice(tokens.i461, cases.b, 'pol-b2', 10, '461');
    await notifyPolice(tokens.i461, cases.b, 'pol-b3', 5, '461');

    // c (461): a notification whose NSR-CONVENE a supervisor waives.
    cases.c = await openCase(tokens.i461, '461', '2012-01-15');
    const c1 = await notifyPolice(tokens.i461, cases.c, 'pol-c1', 20, '461');
    await command(
      tokens.sup461,
      `/v1/cases/${cases.c}/obligations/${c1.body.obligations.opened[0].obligationId}/waivers`,
      { justification: 'Handled by the neighbouring municipality', occurredAt: at(1) },
      '461',
    );

    // d (101): two notifications, the second assessed outside the target group (NSR-CONVENE cancelled).
    cases.d = await openCase(tokens.i101, '101', '2011-11-11');
    await notifyPolice(tokens.i101, cases.d, 'pol-d1', 26, '101');
    await notifyPolice(tokens.i101, cases.d, 'pol-d2', 3, '101');
    await command(
      tokens.i101,
      `/v1/cases/${cases.d}/police-notifications/pol-d2/target-group-assessments`,
      { inTargetGroup: false, reasoning: 'Not suspected', occurredAt: at(1) },
      '101',
    );

    // e (101): a contact person decided with a plan (CP-PLAN), for a youth of 15: the youth plan falls due 3
    // months after the 16th birthday (UNGEPLAN, Barnets lov § 108, stk. 3).
    cases.e = await openCase(tokens.i101, '101', '2010-04-04');
    await command(
      tokens.i101,
      `/v1/cases/${cases.e}/contact-person/decisions`,
      { measureId: 'm-1', planRequired: true, occurredAt: at(4) },
      '101',
    );

    await awaitReadModel(
      () => get(tokens.admin, { minPosition: lastPosition, wait: '10000' }, '/v1/obligations/summary'),
      (body) => body.readModel.reached === true,
    );
  });

  afterAll(async () => {
    await api?.close();
  });

  it('built what the commands said they did', async () => {
    expect(expected.size).toBe(13);
    expect([...expected.values()].filter((e) => e.ruleId === 'UNGEPLAN')).toHaveLength(1);
    const all: Item[] = (await get(tokens.admin, { state: ALL_STATES, limit: '500' }).expect(200)).body.items;
    expect(
      Object.fromEntries(
        all.map((item) => [
          key(item),
          { municipality: item.municipality, ruleId: item.ruleId, state: item.state },
        ]),
      ),
    ).toEqual(Object.fromEntries(expected));
    expect(new Set(all.map((item) => item.state))).toEqual(
      new Set(['open', 'fulfilled', 'waived', 'cancelled']),
    );
    expect(all.filter((item) => item.dueAt === null).length).toBeGreaterThanOrEqual(3);
  });

  it('answers an item with exactly the documented fields, none of them personal', async () => {
    const response = await get(tokens.sup461, { caseId: cases.a }).expect(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['fristvagt-read-model-lag']).toBeUndefined();
    expect(response.body).toEqual({
      items: expect.any(Array),
      next: null,
      readModel: {
        checkpoint: expect.stringMatching(/^\d+:\d+$/),
        generation: expect.any(Number),
        reached: null,
      },
    });
    expect(response.body.items[0]).toEqual({
      caseId: cases.a,
      obligationId: 'NSR-CONVENE:documentation:pol-a1',
      municipality: '461',
      ruleId: 'NSR-CONVENE',
      variant: 'barnets-lov',
      title: expect.any(String),
      subject: { kind: 'documentation', id: 'pol-a1' },
      basis: 'statute',
      citation: expect.any(String),
      rulePack: { id: expect.any(String), version: expect.any(String) },
      openedAt: at(30),
      dueAt: '2026-03-31T22:00:00.000Z',
      dueDate: '2026-03-31',
      strictDueAt: '2026-03-31T22:00:00.000Z',
      rolledDueAt: null,
      warnAt: expect.any(String),
      state: 'open',
      warnDetectedAt: null,
      breachDetectedAt: null,
      closedAt: null,
      onTime: null,
      fulfilledLate: false,
    });
    const text = JSON.stringify(response.body);
    for (const birthDate of ['2011-05-05', '2010-09-10']) {
      expect(text).not.toContain(cprFor(birthDate).slice(0, 6));
    }
  });

  it("shows a supervisor of 461 only 461's obligations, and one of 101 only 101's", async () => {
    const sup = await get(tokens.sup461, { state: ALL_STATES, limit: '500' }).expect(200);
    expect(keys(sup.body.items)).toEqual(expectedKeys((e) => e.municipality === '461'));

    const i101 = await get(tokens.i101, { state: ALL_STATES, limit: '500' }).expect(200);
    expect(keys(i101.body.items)).toEqual(expectedKeys((e) => e.municipality === '101'));

    const admin101 = await get(tokens.admin, { municipality: '101', state: ALL_STATES, limit: '500' }).expect(
      200,
    );
    expect(keys(admin101.body.items)).toEqual(keys(i101.body.items));

    const both = await get(tokens.sup461and101, {
      municipality: ['461', '101'],
      state: ALL_STATES,
      limit: '500',
    });
    expect(keys(both.body.items)).toEqual(expectedKeys(() => true));
  });

  it('refuses a municipality outside the key: 403 municipality-out-of-scope naming municipality', async () => {
    for (const municipality of ['101', '461,101', ['461', '101'], '851']) {
      const response = await get(tokens.sup461, { municipality });
      expect({ municipality, ...refusalOf(response) }).toEqual({
        municipality,
        status: 403,
        code: 'municipality-out-of-scope',
        field: 'municipality',
      });
      expect(isProblemJson(response)).toBe(true);
      const summary = await get(tokens.sup461, { municipality }, '/v1/obligations/summary');
      expect(summary.status).toBe(403);
    }
  });

  it('lists the open states by default', async () => {
    const response = await get(tokens.admin, { limit: '500' }).expect(200);
    expect(keys(response.body.items)).toEqual(expectedKeys((e) => isOpen(e.state)));
  });

  it('filters by rule, repeated or comma-separated alike', async () => {
    const comma = await get(tokens.admin, { rule: 'NSR-CONVENE,NSR-HOLD', state: ALL_STATES }).expect(200);
    const repeated = await get(tokens.admin, { rule: ['NSR-CONVENE', 'NSR-HOLD'], state: ALL_STATES }).expect(
      200,
    );
    expect(keys(comma.body.items)).toEqual(
      expectedKeys((e) => ['NSR-CONVENE', 'NSR-HOLD'].includes(e.ruleId)),
    );
    expect(keys(repeated.body.items)).toEqual(keys(comma.body.items));
  });

  it('filters by state', async () => {
    for (const state of ['fulfilled', 'waived', 'cancelled', 'open', 'waived,cancelled']) {
      const response = await get(tokens.admin, { state }).expect(200);
      expect({ state, items: keys(response.body.items) }).toEqual({
        state,
        items: expectedKeys((e) => state.split(',').includes(e.state)),
      });
      expect(response.body.items.length).toBeGreaterThan(0);
    }
  });

  it('filters by a due window, inclusive, in any offset; obligations without a due are outside every window', async () => {
    const all: Item[] = (await get(tokens.admin, { state: ALL_STATES, limit: '500' }).expect(200)).body.items;
    const within = (from: string, to: string) =>
      keys(all.filter((item) => item.dueAt !== null && item.dueAt >= from && item.dueAt <= to));

    const utc = await get(tokens.admin, {
      state: ALL_STATES,
      dueAfter: '2026-03-31T22:00:00Z',
      dueBefore: '2026-04-08T21:59:59Z',
    }).expect(200);
    expect(keys(utc.body.items)).toEqual(within('2026-03-31T22:00:00.000Z', '2026-04-08T21:59:59.000Z'));
    expect(utc.body.items.length).toBeGreaterThan(0);
    expect(utc.body.items.length).toBeLessThan(all.length);

    // The same window in Danish summer time; supertest encodes the + as %2B.
    const local = await get(tokens.admin, {
      state: ALL_STATES,
      dueAfter: '2026-04-01T00:00:00+02:00',
      dueBefore: '2026-04-08T23:59:59.000+02:00',
    }).expect(200);
    expect(keys(local.body.items)).toEqual(keys(utc.body.items));

    const after = await get(tokens.admin, {
      state: ALL_STATES,
      dueAfter: '2026-04-02T00:00:00Z',
      limit: '500',
    });
    expect(keys(after.body.items)).toEqual(within('2026-04-02T00:00:00.000Z', '9999'));
  });

  it("filters by case, and answers another municipality's case as if it had none", async () => {
    const own = await get(tokens.sup461, { caseId: cases.b, state: ALL_STATES }).expect(200);
    expect(keys(own.body.items)).toEqual(expectedKeys(() => true).filter((k) => k.startsWith(`${cases.b}/`)));
    expect(own.body.items.length).toBeGreaterThanOrEqual(5);

    const upper = await get(tokens.sup461, { caseId: cases.b.toUpperCase(), state: ALL_STATES }).expect(200);
    expect(keys(upper.body.items)).toEqual(keys(own.body.items));

    const foreign = await get(tokens.sup461, { caseId: cases.d, state: ALL_STATES }).expect(200);
    expect(foreign.body.items).toEqual([]);
  });

  it('sorts by due instant, obligations without a due last', async () => {
    const { items } = (await get(tokens.admin, { state: ALL_STATES, limit: '500' }).expect(200)).body as {
      items: Item[];
    };
    const dues = items.map((item) => item.dueAt);
    const firstNull = dues.indexOf(null);
    expect(firstNull).toBeGreaterThan(0);
    expect(dues.slice(firstNull).every((due) => due === null)).toBe(true);
    const timed = dues.slice(0, firstNull) as string[];
    expect(timed).toEqual([...timed].sort());
  });

  it('walks every page of 2 with no duplicate and no gap, in the order of one big page', async () => {
    const queries: Array<Record<string, string>> = [
      { state: ALL_STATES },
      {},
      { municipality: '461', state: ALL_STATES },
    ];
    for (const query of queries) {
      const whole: Item[] = (await get(tokens.admin, { ...query, limit: '500' }).expect(200)).body.items;
      const pages = await walk(tokens.admin, query, 2);
      expect(pages.slice(0, -1).every((page) => page.length === 2)).toBe(true);
      expect(pages.flat().map(key)).toEqual(whole.map(key));
      expect(new Set(pages.flat().map(key)).size).toBe(whole.length);
    }
    // A supervisor of two municipalities: the page merges one index range per municipality and state.
    for (const query of [{ state: ALL_STATES }, {}] as Array<Record<string, string>>) {
      const everyone: Item[] = (await get(tokens.admin, { ...query, limit: '500' }).expect(200)).body.items;
      const whole: Item[] = (await get(tokens.sup461and101, { ...query, limit: '500' }).expect(200)).body
        .items;
      expect(whole.map(key)).toEqual(
        everyone.filter((item) => ['461', '101'].includes(item.municipality)).map(key),
      );
      expect(new Set(whole.map((item) => item.municipality))).toEqual(new Set(['461', '101']));
      const pages = await walk(tokens.sup461and101, query, 2);
      expect(pages.flat().map(key)).toEqual(whole.map(key));
      // A scope wider than the ranges, and the admin's all-municipality list, read the same pages.
      const wide: Item[] = (await get(tokens.supOf11, { ...query, limit: '500' }).expect(200)).body.items;
      expect(wide.map(key)).toEqual(whole.map(key));
      expect((await walk(tokens.supOf11, query, 2)).flat().map(key)).toEqual(whole.map(key));
      expect((await walk(tokens.admin, query, 3)).flat().map(key)).toEqual(everyone.map(key));
    }
    // Several obligations without a due, so a page ends among them and the cursor carries "no due".
    const pages = await walk(tokens.admin, { state: ALL_STATES }, 2);
    expect(pages.slice(0, -1).some((page) => page[page.length - 1].dueAt === null)).toBe(true);
  });

  it('returns the obligation of a command at once when asked with its position (read your writes)', async () => {
    const opened = await notifyPolice(tokens.i461, cases.a, 'pol-a3', 1, '461');
    const obligationId: string = opened.body.obligations.opened[0].obligationId;
    expect(opened.body.position).toMatch(/^\d+:\d+$/);

    const response = await get(tokens.sup461, {
      caseId: cases.a,
      minPosition: opened.body.position,
      wait: '10000',
    }).expect(200);

    expect(response.body.readModel).toEqual({
      checkpoint: expect.stringMatching(/^\d+:\d+$/),
      generation: expect.any(Number),
      reached: true,
    });
    const [commit, prepare] = (response.body.readModel.checkpoint as string).split(':').map(BigInt);
    const [wantCommit, wantPrepare] = (opened.body.position as string).split(':').map(BigInt);
    expect(commit > wantCommit || (commit === wantCommit && prepare >= wantPrepare)).toBe(true);
    expect(response.body.items.map((item: Item) => item.obligationId)).toContain(obligationId);
    expect(response.headers['fristvagt-read-model-lag']).toBeUndefined();
  });

  it('answers 200 with reached: false and the lag header when minPosition is not reached within wait', async () => {
    for (const path of ['/v1/obligations', '/v1/obligations/summary']) {
      const started = performance.now();
      const response = await get(tokens.admin, { minPosition: '999999999999:0', wait: '0' }, path).expect(
        200,
      );
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(response.body.readModel).toEqual({
        checkpoint: expect.stringMatching(/^\d+:\d+$/),
        generation: expect.any(Number),
        reached: false,
      });
      expect(response.headers['fristvagt-read-model-lag']).toBe('behind');
    }
  });

  it('summarizes what the list holds: counts by municipality, rule and state, and totals by state', async () => {
    for (const [token, query] of [
      [tokens.admin, { state: ALL_STATES }],
      [tokens.admin, {}],
      [tokens.sup461, {}],
      [tokens.admin, { rule: 'NSR-CONVENE', municipality: '101', state: ALL_STATES }],
      [tokens.admin, { dueAfter: '2026-04-01T00:00:00Z' }],
    ] as const) {
      const items: Item[] = (await get(token, { ...query, limit: '500' }).expect(200)).body.items;
      const summary = await get(token, query, '/v1/obligations/summary').expect(200);
      const counted = new Map<string, number>();
      for (const item of items) {
        const group = `${item.municipality}|${item.ruleId}|${item.state}`;
        counted.set(group, (counted.get(group) ?? 0) + 1);
      }
      const rows = summary.body.counts as Array<{
        municipality: string;
        ruleId: string;
        state: string;
        count: number;
      }>;
      expect(
        Object.fromEntries(rows.map((r) => [`${r.municipality}|${r.ruleId}|${r.state}`, r.count])),
      ).toEqual(Object.fromEntries(counted));
      const states = 'state' in query ? query.state.split(',') : ['open', 'due-soon', 'breached'];
      expect(summary.body.totals.byState).toEqual(
        Object.fromEntries(
          states.map((state) => [state, items.filter((item) => item.state === state).length]),
        ),
      );
      expect(summary.body.readModel).toEqual({
        checkpoint: expect.stringMatching(/^\d+:\d+$/),
        generation: expect.any(Number),
        reached: null,
      });
    }
  });

  describe('a bad parameter is a 400 naming that parameter, and only it', () => {
    let realCursor: string;

    beforeAll(async () => {
      realCursor = (await get(tokens.admin, { state: ALL_STATES, limit: '1' }).expect(200)).body.next;
    });

    const tamper = (cursor: string) => {
      const json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      return {
        flipped: `${cursor.slice(0, 10)}${cursor[10] === 'A' ? 'B' : 'A'}${cursor.slice(11)}`,
        trailing: `${cursor}A`,
        padded: `${Buffer.from(JSON.stringify(json)).toString('base64')}==`,
        badCase: Buffer.from(JSON.stringify({ ...json, caseId: 'x' })).toString('base64url'),
        badDue: Buffer.from(JSON.stringify({ ...json, dueSort: "2026-01-01'; DROP TABLE x" })).toString(
          'base64url',
        ),
        extraKey: Buffer.from(JSON.stringify({ ...json, more: 1 })).toString('base64url'),
        array: Buffer.from(JSON.stringify([json.dueSort, json.caseId, json.obligationId])).toString(
          'base64url',
        ),
      };
    };

    const BAD: Array<[field: string, value: string | string[], code: string]> = [
      ['municipality', '46', 'invalid-municipality'],
      ['municipality', '4610', 'invalid-municipality'],
      ['municipality', 'abc', 'invalid-municipality'],
      ['municipality', '', 'invalid-municipality'],
      ['municipality', '461,', 'invalid-municipality'],
      ['rule', 'NSR-NOPE', 'unknown-rule'],
      ['rule', 'nsr-convene', 'unknown-rule'],
      ['rule', ['NSR-CONVENE', 'X'], 'unknown-rule'],
      ['state', 'closed', 'invalid-state'],
      ['state', 'OPEN', 'invalid-state'],
      ['dueAfter', '2026-04-01', 'invalid-instant'],
      ['dueAfter', '2026-04-01T00:00:00', 'invalid-instant'],
      ['dueAfter', '2026-02-30T00:00:00Z', 'invalid-instant'],
      ['dueAfter', '2026-04-01T24:00:00Z', 'invalid-instant'],
      ['dueAfter', '2026-04-01T00:00:00+0200', 'invalid-instant'],
      ['dueAfter', ['2026-04-01T00:00:00Z', '2026-04-02T00:00:00Z'], 'invalid-instant'],
      ['dueBefore', 'tomorrow', 'invalid-instant'],
      ['caseId', 'not-a-uuid', 'invalid-case-id'],
      ['limit', '0', 'out-of-range'],
      ['limit', '501', 'out-of-range'],
      ['limit', 'ten', 'invalid-type'],
      ['limit', '1.5', 'invalid-type'],
      ['limit', '1e2', 'invalid-type'],
      ['limit', ['1', '2'], 'invalid-type'],
      ['cursor', 'garbage!', 'invalid-cursor'],
      ['cursor', 'abc', 'invalid-cursor'],
      ['minPosition', 'abc', 'invalid-position'],
      ['minPosition', '1:', 'invalid-position'],
      ['minPosition', '1:2:3', 'invalid-position'],
      ['minPosition', '-1:0', 'invalid-position'],
      ['wait', '-1', 'out-of-range'],
      ['wait', '10001', 'out-of-range'],
      ['wait', 'soon', 'invalid-type'],
      ['foo', '1', 'unknown-field'],
    ];

    /** A valid query; each case replaces one parameter of it. */
    const BASE: Record<string, string> = {
      municipality: '461',
      rule: 'NSR-CONVENE',
      state: 'open',
      dueAfter: '2026-03-01T00:00:00Z',
      dueBefore: '2026-05-01T00:00:00Z',
      limit: '10',
      wait: '0',
    };

    async function expectRefused(
      query: Record<string, string | string[]>,
      field: string,
      code: string,
      path = '/v1/obligations',
    ): Promise<void> {
      const before = await api.eventCount();
      const response = await get(tokens.admin, query, path);
      expect({
        field,
        value: query[field],
        status: response.status,
        code: response.body.code,
        fields: response.body.errors?.map((e: { field: string }) => e.field),
      }).toEqual({
        field,
        value: query[field],
        status: 400,
        code,
        fields: [field],
      });
      expect(response.body.field).toBe(field);
      expect(isProblemJson(response)).toBe(true);
      expect(await api.eventCount()).toBe(before);
    }

    it('the valid base query is answered', async () => {
      await get(tokens.admin, BASE).expect(200);
      await get(tokens.admin, { ...BASE, cursor: realCursor }).expect(200);
    });

    it.each(BAD)('%s=%j → %s', async (field, value, code) => {
      await expectRefused({ ...BASE, [field]: value }, field, code);
      if (field !== 'cursor' && field !== 'limit') {
        const { limit: _paging, ...filters } = BASE;
        await expectRefused({ ...filters, [field]: value }, field, code, '/v1/obligations/summary');
      }
    });

    it('a cursor that was tampered with → invalid-cursor', async () => {
      for (const cursor of Object.values(tamper(realCursor))) {
        await expectRefused({ ...BASE, cursor }, 'cursor', 'invalid-cursor');
      }
    });

    it('a window that ends before it starts → invalid-range naming dueBefore', async () => {
      await expectRefused(
        { ...BASE, dueAfter: '2026-04-10T00:00:00Z', dueBefore: '2026-04-01T00:00:00Z' },
        'dueBefore',
        'invalid-range',
      );
    });

    it('the summary takes no paging', async () => {
      await expectRefused({ limit: '10' }, 'limit', 'unknown-field', '/v1/obligations/summary');
      await expectRefused({ cursor: realCursor }, 'cursor', 'unknown-field', '/v1/obligations/summary');
    });
  });

  it("logs an auditor's reads with the names of the parameters only", async () => {
    await get(tokens.auditor, { municipality: '461', rule: 'NSR-CONVENE', state: 'open' }).expect(200);
    await get(tokens.auditor, { dueAfter: '2026-04-01T00:00:00Z' }, '/v1/obligations/summary').expect(200);
    await get(tokens.sup461, { rule: 'NSR-HOLD' }).expect(200);

    const audits = auditLines(api, /^obligations/);
    expect(audits).toEqual([
      expect.objectContaining({ audit: 'obligations-read', parameters: ['municipality', 'rule', 'state'] }),
      expect.objectContaining({ audit: 'obligations-summary-read', parameters: ['dueAfter'] }),
    ]);
    const text = auditTextWithoutRandomParts(audits);
    for (const value of ['461', 'NSR-CONVENE', '2026-04-01']) expect(text).not.toContain(value);
  });
});

describe('obligation queries without a built read model', () => {
  let api: TestApi;

  beforeAll(async () => {
    // The api alone: nothing builds the read model, as during the first start of a new version.
    api = await startTestApi({ env: { FRISTVAGT_ROLE: 'api' } });
  });

  afterAll(async () => {
    await api?.close();
  });

  it('answers 503 read-model-not-ready with Retry-After: 5', async () => {
    const token = await api.key('supervisor', ['461']);
    for (const path of ['/v1/obligations', '/v1/obligations/summary']) {
      const response = await api.http.get(path).set('Authorization', `Bearer ${token}`);
      expect(response.status).toBe(503);
      expect(isProblemJson(response)).toBe(true);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.body).toMatchObject({ status: 503, code: 'read-model-not-ready' });
    }
    // Input is still checked first.
    const bad = await api.http.get('/v1/obligations?limit=0').set('Authorization', `Bearer ${token}`);
    expect(bad.status).toBe(400);
  });
});
