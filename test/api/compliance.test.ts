import type { Response } from 'supertest';
import { auditLines, auditTextWithoutRandomParts, cprFor, startTestApi, type TestApi } from '../support/api';
import { type DeadlineApp, startDeadlineApp } from '../support/deadline-app';
import {
  awaitReadModel,
  expectRefusal,
  isProblemJson,
  postAccepted,
  refusalOf,
} from '../support/api-requests';

jest.setTimeout(120_000);

interface Month {
  readonly month: string;
  readonly due: number;
  readonly fulfilledOnTime: number;
  readonly fulfilledLate: number;
  readonly breachedOpen: number;
  readonly openNotDue: number;
  readonly waived: number;
  readonly cancelled: number;
  readonly onTimeShare: number | null;
}

interface Bin {
  readonly label: string;
  readonly minDays: number;
  readonly maxDays: number | null;
  readonly count: number;
}

const NOW = '2026-12-15T12:00:00Z';
const MONTHS_2026 = Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`);
const ZERO = {
  due: 0,
  fulfilledOnTime: 0,
  fulfilledLate: 0,
  breachedOpen: 0,
  openNotDue: 0,
  waived: 0,
  cancelled: 0,
  onTimeShare: null,
};

/**
 * A police notification received at `receivedAt`, convened at `convenedAt` (or never), waived or assessed out
 * of the target group. Every expected figure below is worked out by hand from these rows, not by the report's
 * code: NSR-CONVENE is due at the end of the 7th Copenhagen day after the local date of receipt.
 */
interface Notification {
  readonly id: string;
  readonly municipality: '461' | '101';
  readonly receivedAt: string;
  readonly convenedAt?: string;
  readonly then?: 'waive' | 'not-in-target-group';
}

const NOTIFICATIONS: readonly Notification[] = [
  // Due 2026-01-17T23:00Z (January). Convened on local day 35: late, "29-35".
  {
    id: 'pol-c',
    municipality: '461',
    receivedAt: '2026-01-10T10:00:00Z',
    convenedAt: '2026-02-14T10:00:00Z',
  },
  // Due 2026-01-19T23:00Z (January). Convened on local day 36: late, "over 35".
  {
    id: 'pol-d',
    municipality: '461',
    receivedAt: '2026-01-12T10:00:00Z',
    convenedAt: '2026-02-17T10:00:00Z',
  },
  // Due 2026-02-09T23:00Z (February). Convened on local day 8: late, "8-14".
  {
    id: 'pol-e',
    municipality: '461',
    receivedAt: '2026-02-02T10:00:00Z',
    convenedAt: '2026-02-10T10:00:00Z',
  },
  // Due 2026-02-10T23:00Z (February). Never convened: breached, still open.
  { id: 'pol-f', municipality: '461', receivedAt: '2026-02-03T10:00:00Z' },
  // Due 2026-02-11T23:00Z (February). Convened the next day: on time, "0-7".
  {
    id: 'pol-l',
    municipality: '461',
    receivedAt: '2026-02-04T10:00:00Z',
    convenedAt: '2026-02-05T10:00:00Z',
  },
  // Due at the end of 30 March local = 2026-03-30T22:00Z, which is still March in Copenhagen (00:00 on the 31st,
  // summer time). Convened on local day 9: late, "8-14".
  {
    id: 'pol-b',
    municipality: '461',
    receivedAt: '2026-03-23T10:00:00Z',
    convenedAt: '2026-04-01T08:00:00Z',
  },
  // Due 2026-03-31T22:00Z: a March instant in UTC, April in Copenhagen. Convened at 23:30 local on the 7th day:
  // on time, "0-7" (day 7 is the last of the first bin).
  {
    id: 'pol-a',
    municipality: '461',
    receivedAt: '2026-03-24T10:00:00Z',
    convenedAt: '2026-03-31T21:30:00Z',
  },
  // Due 2026-05-12T22:00Z (May): waived by the supervisor.
  { id: 'pol-h', municipality: '461', receivedAt: '2026-05-05T10:00:00Z', then: 'waive' },
  // Due 2026-06-08T22:00Z (June): assessed as not in the target group, cancelled.
  { id: 'pol-i', municipality: '461', receivedAt: '2026-06-01T10:00:00Z', then: 'not-in-target-group' },
  // Received 02:30 local on the day summer time ends, convened 21:00 local the same day: day 0, "0-7". Due
  // 2026-11-01T23:00Z (November).
  {
    id: 'pol-k',
    municipality: '461',
    receivedAt: '2026-10-25T00:30:00Z',
    convenedAt: '2026-10-25T20:00:00Z',
  },
  // Due 2026-12-17T23:00Z, after the clock: open, not yet due.
  { id: 'pol-g', municipality: '461', receivedAt: '2026-12-10T10:00:00Z' },
  // Another municipality, which a supervisor of 461 must never count. Due 2026-03-30T22:00Z (March), on time.
  {
    id: 'pol-m',
    municipality: '101',
    receivedAt: '2026-03-23T10:00:00Z',
    convenedAt: '2026-03-25T10:00:00Z',
  },
];

/** NSR-CONVENE in 461 for 2026, by hand from the rows above. */
const CONVENE_461: Readonly<Record<string, Partial<Month>>> = {
  '2026-01': { due: 2, fulfilledLate: 2, onTimeShare: 0 },
  '2026-02': { due: 3, fulfilledOnTime: 1, fulfilledLate: 1, breachedOpen: 1, onTimeShare: 0.333 },
  '2026-03': { due: 1, fulfilledLate: 1, onTimeShare: 0 },
  '2026-04': { due: 1, fulfilledOnTime: 1, onTimeShare: 1 },
  '2026-05': { due: 1, waived: 1 },
  '2026-06': { due: 1, cancelled: 1 },
  '2026-11': { due: 1, fulfilledOnTime: 1, onTimeShare: 1 },
  '2026-12': { due: 1, openNotDue: 1 },
};

const bins = (counts: readonly number[]): Bin[] =>
  [
    ['0-7', 0, 7],
    ['8-14', 8, 14],
    ['15-21', 15, 21],
    ['22-28', 22, 28],
    ['29-35', 29, 35],
    ['over 35', 36, null],
  ].map(([label, minDays, maxDays], i) => ({
    label: label as string,
    minDays: minDays as number,
    maxDays: maxDays as number | null,
    count: counts[i],
  }));

/** What the seed reads of a command's response. */
interface CommandBody {
  readonly caseId: string;
  readonly position: string;
  readonly obligations: { readonly opened: ReadonlyArray<{ ruleId: string; obligationId: string }> };
}
type Post = (token: string, path: string, body: object) => Promise<CommandBody>;

/** Posts NOTIFICATIONS through the API, each case's facts in business-time order; the last command's position. */
async function seed(
  post: Post,
  tokens: { readonly i461: string; readonly i101: string; readonly sup461: string },
): Promise<string> {
  const integration = { '461': tokens.i461, '101': tokens.i101 };
  const cases: Record<string, string> = {};
  let position = '';
  for (const municipality of ['461', '101'] as const) {
    const opened = await post(integration[municipality], '/v1/cases', {
      cpr: cprFor('2010-06-01'),
      municipality,
      occurredAt: '2025-12-01T09:00:00Z',
    });
    cases[municipality] = opened.caseId;
  }
  for (const n of NOTIFICATIONS) {
    const token = integration[n.municipality];
    const caseId = cases[n.municipality];
    const received = await post(token, `/v1/cases/${caseId}/police-notifications`, {
      documentationId: n.id,
      kind: 'interview-invitation',
      offenceCategories: ['violence'],
      occurredAt: n.receivedAt,
    });
    position = received.position;
    const opened = received.obligations.opened.find((o) => o.ruleId === 'NSR-CONVENE');
    expect(opened).toBeDefined();
    const then = async (tokenOf: string, path: string, body: object) => {
      position = (await post(tokenOf, path, body)).position;
    };
    if (n.convenedAt !== undefined) {
      await then(token, `/v1/cases/${caseId}/network-council/convocations`, {
        councilId: `council-${n.id}`,
        documentationId: n.id,
        invitees: [{ role: 'youth' }, { role: 'custody-holder' }],
        meetingDate: n.convenedAt.slice(0, 10),
        occurredAt: n.convenedAt,
      });
    }
    if (n.then === 'waive') {
      await then(tokens.sup461, `/v1/cases/${caseId}/obligations/${opened!.obligationId}/waivers`, {
        justification: 'Handled by the neighbouring municipality',
        occurredAt: '2026-05-06T09:00:00Z',
      });
    }
    if (n.then === 'not-in-target-group') {
      await then(token, `/v1/cases/${caseId}/police-notifications/${n.id}/target-group-assessments`, {
        inTargetGroup: false,
        reasoning: 'Not suspected of serious crime',
        occurredAt: '2026-06-02T09:00:00Z',
      });
    }
  }
  return position;
}

/**
 * GET /v1/compliance against the real app with its worker (FRISTVAGT_ROLE=all), on PostgreSQL, with cases built
 * by real commands posted at a pinned clock late in 2026: every fact is posted after it happened, so an
 * obligation whose due has passed opens breached at once.
 */
describe('compliance figures (PostgreSQL, api and worker in one process)', () => {
  let api: TestApi;
  let tokens: Record<'i461' | 'i101' | 'sup461' | 'sup101' | 'admin' | 'auditor', string>;
  let commands = 0;
  let lastPosition = '';

  async function command(token: string, path: string, body: object): Promise<Response> {
    const response = await postAccepted(api, token, path, body, `cmd-${++commands}`);
    lastPosition = response.body.position;
    return response;
  }

  // Auditors state a purpose with every read (issue 13); other roles' requests ignore the header.
  const get = (token: string, query: Record<string, string | string[]> = {}) =>
    api.http
      .get('/v1/compliance')
      .query(query)
      .set('X-Audit-Purpose', 'Intern revision 2026')
      .set('Authorization', `Bearer ${token}`);

  const convene = (report: Response) =>
    report.body.rules.find((r: { ruleId: string }) => r.ruleId === 'NSR-CONVENE');

  beforeAll(async () => {
    api = await startTestApi({ now: NOW, env: { FRISTVAGT_ROLE: 'all' } });
    tokens = {
      i461: await api.key('integration', ['461']),
      i101: await api.key('integration', ['101']),
      sup461: await api.key('supervisor', ['461']),
      sup101: await api.key('supervisor', ['101']),
      admin: await api.key('admin', '*'),
      auditor: await api.key('auditor', ['461', '101']),
    };
    lastPosition = await seed(
      (token, path, body) => command(token, path, body).then((r) => r.body as CommandBody),
      tokens,
    );
    await awaitReadModel(
      () => get(tokens.admin, { minPosition: lastPosition, wait: '10000' }),
      (body) => body.checkpoint.reached === true,
    );
  });

  afterAll(async () => {
    await api?.close();
  });

  it('counts NSR-CONVENE per Copenhagen month of the due instant, every month of the window present', async () => {
    const response = await get(tokens.sup461, { from: '2026-01', to: '2026-12' }).expect(200);

    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toMatchObject({ from: '2026-01', to: '2026-12', municipalities: ['461'] });
    const rule = convene(response);
    expect(rule).toMatchObject({
      ruleId: 'NSR-CONVENE',
      variant: 'barnets-lov',
      basis: 'statute',
      title: expect.stringContaining('network council'),
      citation: expect.stringContaining('Barnets lov'),
    });
    expect(rule.months).toEqual(MONTHS_2026.map((month) => ({ month, ...ZERO, ...CONVENE_461[month] })));
    for (const month of rule.months as Month[]) {
      expect(
        month.fulfilledOnTime +
          month.fulfilledLate +
          month.breachedOpen +
          month.openNotDue +
          month.waived +
          month.cancelled,
      ).toBe(month.due);
    }
  });

  it('puts a due at 2026-03-30T22:00Z in March and one at 2026-03-31T22:00Z in April (Copenhagen summer time)', async () => {
    const march = convene(await get(tokens.sup461, { from: '2026-03', to: '2026-03' }).expect(200));
    const april = convene(await get(tokens.sup461, { from: '2026-04', to: '2026-04' }).expect(200));

    expect(march.months).toEqual([{ month: '2026-03', ...ZERO, due: 1, fulfilledLate: 1, onTimeShare: 0 }]);
    expect(april.months).toEqual([{ month: '2026-04', ...ZERO, due: 1, fulfilledOnTime: 1, onTimeShare: 1 }]);
  });

  it('bins the days from receipt to convocation as seed 003 does: 7 → 0-7, 8 → 8-14, 35 → 29-35, 36 → over 35', async () => {
    const response = await get(tokens.sup461, { from: '2026-01', to: '2026-12' }).expect(200);

    // 0-7: pol-a (7), pol-l (1), pol-k (0); 8-14: pol-b (9), pol-e (8); 29-35: pol-c (35); over 35: pol-d (36).
    expect(response.body.networkCouncilConvocation).toEqual({
      ruleId: 'NSR-CONVENE',
      bins: bins([3, 2, 0, 0, 1, 1]),
      notConvened: 2,
      total: 9,
      cancelled: 1,
      waived: 1,
    });
  });

  it('takes the notifications received within the window for the distribution, whatever month they fall due', async () => {
    // pol-a is received in March and due in April: in April's months, not in April's distribution.
    const april = await get(tokens.sup461, { from: '2026-04', to: '2026-04' }).expect(200);
    expect(april.body.networkCouncilConvocation).toMatchObject({ bins: bins([0, 0, 0, 0, 0, 0]), total: 0 });

    const march = await get(tokens.sup461, { from: '2026-03', to: '2026-03' }).expect(200);
    expect(march.body.networkCouncilConvocation).toMatchObject({
      bins: bins([1, 1, 0, 0, 0, 0]),
      notConvened: 0,
      total: 2,
    });

    const december = await get(tokens.sup461, { from: '2026-12', to: '2026-12' }).expect(200);
    expect(december.body.networkCouncilConvocation).toMatchObject({ notConvened: 1, total: 1 });
  });

  it('lists every rule with an obligation due in the window, in catalogue order, each with every month', async () => {
    const response = await get(tokens.sup461, { from: '2026-01', to: '2026-12' }).expect(200);

    // Each convocation opened NSR-HOLD; nothing else in these cases has a due.
    expect(response.body.rules.map((r: { ruleId: string }) => r.ruleId)).toEqual(['NSR-CONVENE', 'NSR-HOLD']);
    const hold = response.body.rules[1];
    expect(hold.months.map((m: Month) => m.month)).toEqual(MONTHS_2026);
    // Seven councils convened in 461, none ever held: all breached by the pinned clock.
    const held = (hold.months as Month[]).reduce(
      (sum, m) => ({ due: sum.due + m.due, breachedOpen: sum.breachedOpen + m.breachedOpen }),
      { due: 0, breachedOpen: 0 },
    );
    expect(held).toEqual({ due: 7, breachedOpen: 7 });
  });

  it('narrows the rules to ruleId, and shows an asked rule with nothing due as zeros', async () => {
    const hold = await get(tokens.sup461, { from: '2026-01', to: '2026-03', ruleId: 'NSR-HOLD' }).expect(200);
    expect(hold.body.rules.map((r: { ruleId: string }) => r.ruleId)).toEqual(['NSR-HOLD']);
    // The distribution is about NSR-CONVENE whichever rule is asked for.
    expect(hold.body.networkCouncilConvocation.total).toBeGreaterThan(0);

    const plan = await get(tokens.sup461, { from: '2026-01', to: '2026-03', ruleId: 'CP-PLAN' }).expect(200);
    expect(plan.body.rules).toEqual([
      expect.objectContaining({
        ruleId: 'CP-PLAN',
        months: ['2026-01', '2026-02', '2026-03'].map((month) => ({ month, ...ZERO })),
      }),
    ]);
  });

  it('defaults to the 12 months up to the current Copenhagen month of the service clock', async () => {
    const response = await get(tokens.sup461).expect(200);

    expect(response.body).toMatchObject({ from: '2026-01', to: '2026-12' });
    expect(convene(response).months.map((m: Month) => m.month)).toEqual(MONTHS_2026);
    expect((await get(tokens.sup461, { to: '2026-06' }).expect(200)).body).toMatchObject({
      from: '2025-07',
      to: '2026-06',
    });
    expect((await get(tokens.sup461, { from: '2026-10' }).expect(200)).body).toMatchObject({
      from: '2026-10',
      to: '2026-12',
    });
  });

  it("keeps to the key's municipalities: a supervisor of 461 sees nothing of 101", async () => {
    const sup101 = await get(tokens.sup101, { from: '2026-01', to: '2026-12' }).expect(200);
    expect(sup101.body.municipalities).toEqual(['101']);
    expect(convene(sup101).months.find((m: Month) => m.month === '2026-03')).toMatchObject({
      due: 1,
      fulfilledOnTime: 1,
    });
    expect(sup101.body.networkCouncilConvocation).toMatchObject({ bins: bins([1, 0, 0, 0, 0, 0]), total: 1 });

    const admin = await get(tokens.admin, { from: '2026-01', to: '2026-12' }).expect(200);
    expect(admin.body.municipalities).toEqual(['101', '461']);
    expect(admin.body.networkCouncilConvocation.total).toBe(10);
    expect(convene(admin).months.find((m: Month) => m.month === '2026-03')).toMatchObject({
      due: 2,
      fulfilledOnTime: 1,
      fulfilledLate: 1,
      onTimeShare: 0.5,
    });
    const admin461 = await get(tokens.admin, { from: '2026-01', to: '2026-12', municipality: '461' }).expect(
      200,
    );
    expect(admin461.body.rules).toEqual(
      (await get(tokens.sup461, { from: '2026-01', to: '2026-12' }).expect(200)).body.rules,
    );

    for (const municipality of ['101', '461,101', ['461', '101'], '851']) {
      const response = await get(tokens.sup461, { municipality });
      expect({ municipality, ...refusalOf(response) }).toEqual({
        municipality,
        status: 403,
        code: 'municipality-out-of-scope',
        field: 'municipality',
      });
      expect(isProblemJson(response)).toBe(true);
    }
  });

  it('is for supervisors, auditors and admins: an integration key is refused with 403', async () => {
    const response = await get(tokens.i461);
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('forbidden-role');
    expect(isProblemJson(response)).toBe(true);
    await get(tokens.auditor).expect(200);
    await api.http.get('/v1/compliance').expect(401);
  });

  it('waits for minPosition, and says when it was not reached', async () => {
    const reached = await get(tokens.sup461, { minPosition: lastPosition, wait: '5000' }).expect(200);
    expect(reached.body.checkpoint).toEqual({
      checkpoint: expect.stringMatching(/^\d+:\d+$/),
      generation: expect.any(Number),
      reached: true,
    });

    const behind = await get(tokens.sup461, { minPosition: '999999999999:0', wait: '0' }).expect(200);
    expect(behind.body.checkpoint.reached).toBe(false);
    expect(behind.headers['fristvagt-read-model-lag']).toBe('behind');
  });

  it.each<[string, Record<string, string | string[]>, string, string]>([
    ['a month that does not exist', { from: '2026-13' }, 'from', 'invalid-month'],
    ['a month without its leading zero', { to: '2026-3' }, 'to', 'invalid-month'],
    ['a date for a month', { from: '2026-03-01' }, 'from', 'invalid-month'],
    ['a repeated month', { from: ['2026-01', '2026-02'] }, 'from', 'invalid-month'],
    ['to before from', { from: '2026-05', to: '2026-04' }, 'to', 'invalid-range'],
    ['from after the current month, without to', { from: '2027-01' }, 'from', 'invalid-range'],
    ['37 months', { from: '2023-12', to: '2026-12' }, 'from', 'invalid-range'],
    ['an unknown rule', { ruleId: 'NSR-NOPE' }, 'ruleId', 'unknown-rule'],
    ['a bad municipality', { municipality: '46' }, 'municipality', 'invalid-municipality'],
    ['a bad position', { minPosition: 'abc' }, 'minPosition', 'invalid-position'],
    ['an unknown parameter', { rule: 'NSR-CONVENE' }, 'rule', 'unknown-field'],
  ])('refuses %s: 400 naming the parameter', async (_what, query, field, code) => {
    expectRefusal(await get(tokens.sup461, query), { status: 400, code, field });
  });

  it('takes 36 months', async () => {
    const response = await get(tokens.sup461, { from: '2024-01', to: '2026-12' }).expect(200);
    expect(convene(response).months).toHaveLength(36);
  });

  it("logs an auditor's read with the names of the parameters only", async () => {
    await get(tokens.auditor, { municipality: '461', from: '2026-02', ruleId: 'NSR-HOLD' }).expect(200);
    await get(tokens.sup461, { from: '2026-02' }).expect(200);

    const audits = auditLines(api, 'compliance-read');
    expect(audits.at(-1)).toMatchObject({ parameters: ['municipality', 'from', 'ruleId'] });
    expect(audits.every((audit) => audit.keyId !== undefined)).toBe(true);
    const text = auditTextWithoutRandomParts(audits);
    for (const value of ['461', 'NSR-HOLD', '2026-02']) expect(text).not.toContain(value);
  });
});

/**
 * The same SQL on the embedded PGlite (no DATABASE_URL), whose time zone data and date arithmetic must give the
 * same months and bins.
 */
describe('compliance figures (embedded PGlite)', () => {
  let app: DeadlineApp;
  let supervisor: string;

  beforeAll(async () => {
    app = await startDeadlineApp('embedded');
    app.clock.setNow(NOW);
    const tokens = {
      i461: await app.key('integration', ['461']),
      i101: await app.key('integration', ['101']),
      sup461: await app.key('supervisor', ['461']),
    };
    supervisor = tokens.sup461;
    const position = await seed(
      async (token, path, body) => (await app.post(token, path, body)) as unknown as CommandBody,
      tokens,
    );
    const caughtUp = await app.http
      .get('/v1/compliance')
      .query({ minPosition: position, wait: '10000' })
      .set('Authorization', `Bearer ${supervisor}`)
      .expect(200);
    expect(caughtUp.body.checkpoint.reached).toBe(true);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('counts the months and bins as on PostgreSQL', async () => {
    const response = await app.http
      .get('/v1/compliance')
      .query({ from: '2026-01', to: '2026-12' })
      .set('Authorization', `Bearer ${supervisor}`)
      .expect(200);

    const rule = response.body.rules.find((r: { ruleId: string }) => r.ruleId === 'NSR-CONVENE');
    expect(rule.months).toEqual(MONTHS_2026.map((month) => ({ month, ...ZERO, ...CONVENE_461[month] })));
    expect(response.body.networkCouncilConvocation).toMatchObject({
      bins: bins([3, 2, 0, 0, 1, 1]),
      notConvened: 2,
      total: 9,
    });
  });
});
