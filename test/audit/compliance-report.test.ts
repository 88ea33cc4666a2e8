import { randomUUID } from 'node:crypto';
import { toNewEvents } from '@fristvagt/case-commands';
import { COUNCIL_NOT_HELD_REASONS, type CaseCommand, type CouncilNotHeldReason } from '@fristvagt/domain';
import { cmd, history } from '@fristvagt/domain/test-support';
import { startTestApi, type TestApi } from '../support/api';
import { expectRefusal, seededRandom } from '../support/api-requests';

/** A few connections are plenty for these tests; the server is shared with other test files. */
const SMALL_POOL = { DATABASE_POOL_SIZE: '4' };

jest.setTimeout(180_000);

const NOW = '2026-06-28T12:00:00.000Z';
const DAY = 86_400_000;
const PURPOSE = 'Ankestyrelsen: praksisundersøgelse 2026';

/** What the generator decided for one case; every expected figure below is counted from these alone. */
interface Plan {
  readonly caseId: string;
  readonly municipality: '461' | '101';
  /** Receipt of the police notification (10:00 local-ish, the same Copenhagen date as its UTC date). */
  readonly receivedAt: number;
  readonly fate: 'convene' | 'not-target' | 'waive' | 'nothing';
  /** Days from receipt to convocation. */
  readonly convokeDays: number;
  readonly outcome: 'held' | 'not-held' | 'none';
  /** Days from convocation to the outcome. */
  readonly outcomeDays: number;
  readonly reason: CouncilNotHeldReason;
}

const iso = (ms: number) => new Date(ms).toISOString();
/** The Copenhagen date of an instant between 06:00 and 20:00 UTC is its UTC date. */
const dateOf = (ms: number) => iso(ms).slice(0, 10);

/**
 * 200 cases in two municipalities with random but deliberate timing: convocations on time (0-5 days) or
 * clearly late (14-40), councils held clearly on time (1-12 days after convening) or late (19-30), so that no
 * outcome depends on where a weekend or holiday rolls a due instant; unconvened notifications either long
 * past their due or received in the last days before NOW.
 */
function generate(): Plan[] {
  const random = seededRandom(13);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const early = { from: Date.parse('2026-01-05T00:00:00Z'), days: 158 }; // to 12 June
  const recent = { from: Date.parse('2026-06-23T00:00:00Z'), days: 5 }; // 23 to 27 June
  const now = Date.parse(NOW);
  return Array.from({ length: 200 }, (): Plan => {
    const window = random() < 0.85 ? early : recent;
    const receivedAt = window.from + between(0, window.days - 1) * DAY + between(7, 15) * 3_600_000;
    const roll = random();
    let fate: Plan['fate'] =
      roll < 0.6 ? 'convene' : roll < 0.7 ? 'not-target' : roll < 0.8 ? 'waive' : 'nothing';
    const convokeDays = random() < 0.7 ? between(0, 5) : between(14, 40);
    if (fate === 'convene' && receivedAt + convokeDays * DAY > now) fate = 'nothing';
    if (fate !== 'convene' && fate !== 'nothing' && receivedAt + 2 * DAY > now) fate = 'nothing';
    const convenedAt = receivedAt + convokeDays * DAY;
    const outcomeRoll = random();
    let outcome: Plan['outcome'] = outcomeRoll < 0.65 ? 'held' : outcomeRoll < 0.85 ? 'not-held' : 'none';
    let outcomeDays = outcome === 'held' && random() < 0.25 ? between(19, 30) : between(1, 12);
    if (outcome !== 'none' && convenedAt + outcomeDays * DAY > now) outcome = 'none';
    // A council with no outcome is either long overdue or not due yet, never near its due.
    if (outcome === 'none' && convenedAt + 19 * DAY >= now && convenedAt + 14 * DAY < now + DAY) {
      outcome = 'held';
      outcomeDays = 1;
    }
    return {
      caseId: randomUUID(),
      municipality: random() < 0.7 ? '461' : '101',
      receivedAt,
      fate,
      convokeDays,
      outcome,
      outcomeDays,
      reason: pick(COUNCIL_NOT_HELD_REASONS),
    };
  });
}

function commandsOf(plan: Plan): CaseCommand[] {
  const r = plan.receivedAt;
  const commands: CaseCommand[] = [
    cmd(
      'OpenCase',
      { caseId: plan.caseId, municipality: plan.municipality, birthDate: '2010-05-01', person: null },
      '2025-12-01T09:00:00.000Z',
    ),
    cmd(
      'RecordPoliceDocumentation',
      { documentationId: 'pol-1', kind: 'interview-invitation', offenceCategories: ['robbery'] },
      iso(r),
    ),
  ];
  if (plan.fate === 'not-target') {
    commands.push(
      cmd(
        'AssessTargetGroup',
        { documentationId: 'pol-1', inTargetGroup: false, reasoning: 'Not serious' },
        iso(r + DAY),
      ),
    );
  }
  if (plan.fate === 'waive') {
    commands.push(
      cmd(
        'WaiveObligation',
        {
          obligationId: 'NSR-CONVENE:documentation:pol-1',
          by: { actorId: 'k-supervisor', role: 'supervisor' },
          justification: 'Handled elsewhere',
        },
        iso(r + 2 * DAY),
      ),
    );
  }
  if (plan.fate === 'convene') {
    const c = r + plan.convokeDays * DAY;
    commands.push(
      cmd(
        'ConveneCouncil',
        {
          councilId: 'c-1',
          documentationId: 'pol-1',
          invitees: [{ role: 'youth' }],
          meetingDate: dateOf(c + 7 * DAY),
        },
        iso(c),
      ),
    );
    const at = iso(c + plan.outcomeDays * DAY);
    if (plan.outcome === 'held')
      commands.push(
        cmd('RecordCouncilHeld', { councilId: 'c-1', participants: [{ role: 'youth' }], agreements: [] }, at),
      );
    if (plan.outcome === 'not-held')
      commands.push(
        cmd('RecordCouncilNotHeld', { councilId: 'c-1', reason: plan.reason, note: 'See the journal' }, at),
      );
  }
  return commands;
}

// ------------------------------------------------------------------------------------------------ expected

interface Expected {
  opened: number;
  fulfilledOnTime: number;
  fulfilledLate: number;
  breachedOpen: number;
  open: number;
  waived: number;
  cancelled: number;
  days: number[];
}
const none = (): Expected => ({
  opened: 0,
  fulfilledOnTime: 0,
  fulfilledLate: 0,
  breachedOpen: 0,
  open: 0,
  waived: 0,
  cancelled: 0,
  days: [],
});

const BINS = [
  [0, 7],
  [8, 14],
  [15, 21],
  [22, 28],
  [29, 35],
  [36, Infinity],
] as const;
const binIndex = (days: number) => BINS.findIndex(([min, max]) => days >= min && days <= max);

/** Our own percentile, written here so the report's is not its own judge. */
function expectedDays(days: number[]) {
  const sorted = [...days].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { count: 0, median: null, p90: null };
  const median = n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return { count: n, median, p90: sorted[Math.ceil(0.9 * n) - 1] };
}

function expectedReport(
  plans: readonly Plan[],
  filter: { from: string; to: string; municipalities: readonly string[] },
) {
  const inWindow = (ms: number) => dateOf(ms) >= filter.from && dateOf(ms) <= filter.to;
  const convene = none();
  const hold = none();
  const plan = none();
  const toConvocation = BINS.map(() => 0);
  const toHolding = BINS.map(() => 0);
  const reasons = Object.fromEntries(COUNCIL_NOT_HELD_REASONS.map((reason) => [reason, 0]));
  let notifications = 0;
  let notConvened = 0;
  let notHeld = 0;
  let pending = 0;
  for (const p of plans.filter((one) => filter.municipalities.includes(one.municipality))) {
    const convenedAt = p.receivedAt + p.convokeDays * DAY;
    const outcomeAt = convenedAt + p.outcomeDays * DAY;
    if (inWindow(p.receivedAt)) {
      notifications += 1;
      convene.opened += 1;
      if (p.fate === 'convene') {
        if (p.convokeDays <= 5) convene.fulfilledOnTime += 1;
        else convene.fulfilledLate += 1;
        convene.days.push(p.convokeDays);
        toConvocation[binIndex(p.convokeDays)] += 1;
        if (p.outcome === 'held') toHolding[binIndex(p.convokeDays + p.outcomeDays)] += 1;
        else if (p.outcome === 'not-held') {
          notHeld += 1;
          reasons[p.reason] += 1;
        } else pending += 1;
      } else if (p.fate === 'not-target') convene.cancelled += 1;
      else if (p.fate === 'waive') convene.waived += 1;
      else {
        notConvened += 1;
        // Received by 12 June: due long before NOW; from 23 June: due after it.
        if (dateOf(p.receivedAt) <= '2026-06-12') convene.breachedOpen += 1;
        else convene.open += 1;
      }
    }
    if (p.fate === 'convene' && inWindow(convenedAt)) {
      hold.opened += 1;
      if (p.outcome === 'none') {
        if (convenedAt + 19 * DAY < Date.parse(NOW)) hold.breachedOpen += 1;
        else hold.open += 1;
      } else {
        if (p.outcomeDays <= 12) hold.fulfilledOnTime += 1;
        else hold.fulfilledLate += 1;
        hold.days.push(p.outcomeDays);
      }
    }
    if (p.fate === 'convene' && p.outcome === 'held' && inWindow(outcomeAt)) {
      plan.opened += 1;
      plan.open += 1; // no plan is adopted, and NSR-PLAN has no due of its own
    }
  }
  const figures = (ruleId: string, { days, ...counts }: Expected) => {
    const judged = counts.fulfilledOnTime + counts.fulfilledLate + counts.breachedOpen;
    return {
      ruleId,
      ...counts,
      onTimeShare: judged === 0 ? null : Math.round((counts.fulfilledOnTime / judged) * 1000) / 1000,
      daysToFulfilment: expectedDays(days),
    };
  };
  const bins = (counts: number[]) =>
    counts.map((count, i) => expect.objectContaining({ minDays: BINS[i][0], count }));
  return {
    raw: { toConvocation, toHolding },
    rules: {
      'NSR-CONVENE': figures('NSR-CONVENE', convene),
      'NSR-HOLD': figures('NSR-HOLD', hold),
      'NSR-PLAN': figures('NSR-PLAN', plan),
    },
    networkCouncils: {
      notifications,
      toConvocation: { bins: bins(toConvocation), notConvened },
      toHolding: { bins: bins(toHolding), notHeld, pending },
      notHeldReasons: reasons,
    },
  };
}

// ------------------------------------------------------------------------------------------------ tests

/**
 * Issue 13, point 6: GET /v1/reports/compliance over a generated data set, its figures checked against counts
 * made here from the generator's own decisions, never from the report's code.
 */
describe('compliance report on 200 generated cases (PostgreSQL)', () => {
  let api: TestApi;
  let tokens: Record<'auditor' | 'sup461' | 'i461' | 'admin', string>;
  const plans = generate();

  const report = (query: Record<string, string>, token = tokens.auditor, path = '/v1/reports/compliance') =>
    api.http
      .get(path)
      .query(query)
      .set('X-Audit-Purpose', encodeURIComponent(PURPOSE))
      .set('Authorization', `Bearer ${token}`);

  const rulesOf = (body: { rules: { ruleId: string }[] }) =>
    Object.fromEntries(body.rules.filter((r) => r.ruleId.startsWith('NSR-')).map((r) => [r.ruleId, r]));

  beforeAll(async () => {
    api = await startTestApi({ now: NOW, env: SMALL_POOL });
    tokens = {
      auditor: await api.key('auditor', ['461', '101']),
      sup461: await api.key('supervisor', ['461']),
      i461: await api.key('integration', ['461']),
      admin: await api.key('admin', '*'),
    };
    for (const plan of plans) {
      const events = history(commandsOf(plan), plan.municipality);
      await api.store.append(
        `case-${plan.caseId}`,
        toNewEvents(events, {
          municipality: plan.municipality,
          actor: 'k-generator',
          correlationId: randomUUID(),
          idempotency: null,
        }),
        { expectedRevision: 'no_stream' },
      );
    }
  });

  afterAll(async () => {
    await api?.close();
  });

  it('the generated set exercises every outcome', () => {
    const fates = new Set(plans.map((p) => p.fate));
    const outcomes = new Set(plans.filter((p) => p.fate === 'convene').map((p) => p.outcome));
    expect([...fates].sort()).toEqual(['convene', 'not-target', 'nothing', 'waive']);
    expect([...outcomes].sort()).toEqual(['held', 'none', 'not-held']);
    expect(plans.some((p) => p.fate === 'convene' && p.convokeDays >= 14)).toBe(true);
    expect(plans.some((p) => p.fate === 'nothing' && dateOf(p.receivedAt) >= '2026-06-23')).toBe(true);
  });

  it.each<[string, { from: string; to: string; municipalities: string[] }]>([
    [
      'both municipalities, the half year',
      { from: '2026-01-01', to: '2026-06-30', municipalities: ['461', '101'] },
    ],
    ['461 alone, March', { from: '2026-03-01', to: '2026-03-31', municipalities: ['461'] }],
    ['101 alone, February to May', { from: '2026-02-01', to: '2026-05-31', municipalities: ['101'] }],
  ])('counts %s as the generator’s own tally does', async (_what, filter) => {
    const response = await report({
      from: filter.from,
      to: filter.to,
      municipality: filter.municipalities.join(','),
    }).expect(200);
    const expected = expectedReport(plans, filter);
    expect(response.body).toMatchObject({ from: filter.from, to: filter.to, rule: null, generatedAt: NOW });
    const rules = rulesOf(response.body);
    expect(rules['NSR-CONVENE']).toEqual(expected.rules['NSR-CONVENE']);
    expect(rules['NSR-HOLD']).toEqual(expected.rules['NSR-HOLD']);
    if (expected.rules['NSR-PLAN'].opened > 0) expect(rules['NSR-PLAN']).toEqual(expected.rules['NSR-PLAN']);
    expect(response.body.networkCouncils).toEqual(expected.networkCouncils);
  });

  it('gives one rule with `rule`, and the network-council figures still', async () => {
    const filter = { from: '2026-01-01', to: '2026-06-30', municipalities: ['461', '101'] };
    const response = await report({ from: filter.from, to: filter.to, rule: 'NSR-HOLD' }).expect(200);
    const expected = expectedReport(plans, filter);
    expect(response.body.rules).toEqual([expected.rules['NSR-HOLD']]);
    expect(response.body.networkCouncils).toEqual(expected.networkCouncils);
  });

  it('writes CSV for Danish spreadsheets: ; separated, decimal comma, BOM on request', async () => {
    const filter = { from: '2026-01-01', to: '2026-06-30', municipalities: ['461', '101'] };
    const expected = expectedReport(plans, filter).rules['NSR-CONVENE'];
    const csv = await report(
      { from: filter.from, to: filter.to, rule: 'NSR-CONVENE', bom: 'true' },
      tokens.auditor,
      '/v1/reports/compliance.csv',
    ).expect(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.text.startsWith('\uFEFF')).toBe(true);
    const [header, row, end] = csv.text.slice(1).split('\r\n');
    expect(header).toBe(
      'ruleId;opened;fulfilledOnTime;fulfilledLate;breachedOpen;open;waived;cancelled;onTimeShare;daysToFulfilmentCount;daysToFulfilmentMedian;daysToFulfilmentP90',
    );
    expect(end).toBe('');
    const cells = row.split(';');
    expect(cells.slice(0, 8)).toEqual([
      'NSR-CONVENE',
      ...[
        expected.opened,
        expected.fulfilledOnTime,
        expected.fulfilledLate,
        expected.breachedOpen,
        expected.open,
        expected.waived,
        expected.cancelled,
      ].map(String),
    ]);
    expect(cells[8]).toBe(String(expected.onTimeShare).replace('.', ','));
    expect(cells[8]).toMatch(/^0,\d+$/);

    // The same through Accept on the JSON route; and the network-council table.
    const viaAccept = await report({ from: filter.from, to: filter.to, rule: 'NSR-CONVENE' })
      .set('Accept', 'text/csv')
      .expect(200);
    expect(viaAccept.text).toBe(csv.text.slice(1));
    const councils = await report(
      { from: filter.from, to: filter.to, table: 'network-councils' },
      tokens.auditor,
      '/v1/reports/compliance.csv',
    ).expect(200);
    const lines = councils.text.split('\r\n');
    expect(lines[0]).toBe('measure;bin;count');
    const raw = expectedReport(plans, filter).raw;
    expect(lines).toContain(`days-to-convocation;0-7;${raw.toConvocation[0]}`);
    expect(lines).toContain(`days-to-holding;over 35;${raw.toHolding[5]}`);
    expect(lines.filter((l) => l.startsWith('not-held-reason;'))).toHaveLength(
      COUNCIL_NOT_HELD_REASONS.length,
    );
  });

  it('keeps to the key’s municipalities, and refuses bad parameters naming them', async () => {
    const own = await report({ from: '2026-01-01', to: '2026-06-30' }, tokens.sup461).expect(200);
    expect(own.body.municipalities).toEqual(['461']);
    expect(rulesOf(own.body)['NSR-CONVENE']).toEqual(
      expectedReport(plans, { from: '2026-01-01', to: '2026-06-30', municipalities: ['461'] }).rules[
        'NSR-CONVENE'
      ],
    );
    const outside = await report({ municipality: '101' }, tokens.sup461);
    expect({ status: outside.status, code: outside.body.code }).toEqual({
      status: 403,
      code: 'municipality-out-of-scope',
    });
    const integration = await report({}, tokens.i461);
    expect(integration.status).toBe(403);
    expectRefusal(await report({ from: '2026-02-30' }), { status: 400, code: 'invalid-date', field: 'from' });
    expectRefusal(await report({ from: '2026-06-01', to: '2026-05-01' }), {
      status: 400,
      code: 'invalid-range',
      field: 'to',
    });
    expectRefusal(await report({ from: '2020-01-01', to: '2026-06-01' }), {
      status: 400,
      code: 'invalid-range',
      field: 'from',
    });
    expectRefusal(await report({ rule: 'NSR-NOPE' }), { status: 400, code: 'unknown-rule', field: 'rule' });
    expectRefusal(await report({ table: 'all' }), { status: 400, code: 'invalid-table', field: 'table' });
    const noPurpose = await api.http
      .get('/v1/reports/compliance')
      .set('Authorization', `Bearer ${tokens.auditor}`);
    expectRefusal(noPurpose, { status: 400, code: 'purpose-required', field: 'purpose' });
  });
});
