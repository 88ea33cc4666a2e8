import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';
import type { Response } from 'supertest';
import { parseCpr } from '@fristvagt/domain';
import { startTestApi, type TestApi } from '../support/api';
import { postCommand } from '../support/api-requests';

/**
 * A full run with known CPR numbers, then a search of everything the app wrote (every table of the
 * database, every log line, every file in DATA_DIR) and said (every response but the supervisor's and
 * admin's reads) for those numbers in clear: DDMMYYSSSS, DDMMYY-SSSS, or the serial next to the birth date
 * in any other spelling.
 */

jest.setTimeout(60_000);

const NOW = '2026-03-25T12:00:00Z';

/** Opened as cases. */
const A = '0103104123'; // sent without hyphen; 461
const B = '150609-4321'; // sent with hyphen; 461
const C = '2812115007'; // one case in 461, one in 101
const D = '070508-9876'; // 101
/** Valid, but only ever sent in requests that are refused or find nothing. */
const E = '1102127777';
const F = '220208-4888';
/** Impossible: no such birth date. */
const IMPOSSIBLE = ['3102101234', '0000001234', '9999999999', '300210-4123'];

const ALL_CPRS = [A, B, C, D, E, F, ...IMPOSSIBLE];

function digits(cpr: string): string {
  return cpr.replace(/\D/g, '');
}

/** Every spelling of the number that reveals it: the serial right after the birth date however written. */
function cprPattern(cpr: string): RegExp {
  const n = digits(cpr);
  const [dd, mm, yy, serial] = [n.slice(0, 2), n.slice(2, 4), n.slice(4, 6), n.slice(6)];
  const dates = [`${dd}${mm}${yy}`, `${dd}-?${mm}-?${yy}`, `${dd}\\.${mm}\\.${yy}`];
  const parsed = parseCpr(n);
  if (parsed.ok) {
    const [year, month, day] = parsed.value.birthDate.split('-');
    dates.push(`${year}-?${month}-?${day}`, `${day}${month}${year}`, `${day}\\.${month}\\.${year}`);
  }
  return new RegExp(`(?<!\\d)(?:${dates.join('|')})[^0-9A-Za-z]{0,3}${serial}(?!\\d)`);
}

/** The CPR numbers found in `text`, with a little context; empty when there are none. */
function cprsIn(text: string, where: string, cprs: readonly string[] = ALL_CPRS): string[] {
  return cprs.flatMap((cpr) => {
    const match = cprPattern(cpr).exec(text);
    if (match === null) return [];
    const context = text.slice(Math.max(0, match.index - 80), match.index + match[0].length + 40);
    return [`${cpr} in ${where}: …${context}…`];
  });
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? filesUnder(join(dir, entry.name)) : Promise.resolve([join(dir, entry.name)]),
    ),
  );
  return nested.flat();
}

describe('personal data', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ now: NOW, env: { LOG_LEVEL: 'info' } });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('stores, logs and shows no CPR number in clear, and reveals it only to supervisors', async () => {
    const keys = {
      integration461: await api.key('integration', ['461']),
      integration101: await api.key('integration', ['101']),
      supervisor461: await api.key('supervisor', ['461']),
      auditor461: await api.key('auditor', ['461']),
      admin: await api.key('admin', '*'),
    };
    /** Responses that must not show a CPR number: all but the supervisor's and admin's reads. */
    const shown: Array<{ what: string; response: Response }> = [];
    let n = 0;
    /** `expected` is a status, or 'refused' for any 4xx. */
    const command = async (
      what: string,
      token: string,
      path: string,
      body: unknown,
      expected: number | 'refused',
      idempotencyKey = `pd-${++n}`,
    ): Promise<Response> => {
      const response = await postCommand(api, token, path, body, idempotencyKey);
      shown.push({ what, response });
      const ok =
        expected === 'refused'
          ? response.status >= 400 && response.status < 500
          : response.status === expected;
      expect({ what, status: response.status, ok, body: response.body }).toMatchObject({ what, ok: true });
      return response;
    };
    const open = async (cpr: string, municipality: string, token: string, idempotencyKey?: string) =>
      (
        await command(
          `open ${municipality}`,
          token,
          '/v1/cases',
          { cpr, municipality, occurredAt: '2026-03-20T10:00:00Z' },
          201,
          idempotencyKey,
        )
      ).body.caseId as string;
    const lookup = async (what: string, token: string, cpr: unknown, expected = 200): Promise<Response> => {
      const response = await api.http
        .post('/v1/cases/lookup')
        .set('Authorization', `Bearer ${token}`)
        .send({ cpr });
      shown.push({ what, response });
      expect({ what, status: response.status }).toEqual({ what, status: expected });
      return response;
    };
    // Auditors state a purpose with every read (issue 13); other roles' requests ignore the header.
    const read = (token: string, caseId: string) =>
      api.http
        .get(`/v1/cases/${caseId}`)
        .set('X-Audit-Purpose', 'Intern revision 2026')
        .set('Authorization', `Bearer ${token}`);
    const police = (documentationId: string) => ({
      documentationId,
      kind: 'interview-invitation',
      offenceCategories: ['robbery', 'violence'],
      occurredAt: '2026-03-24T09:00:00Z',
    });

    // ------------------------------------------------------------ the cases and their facts

    // A CPR number as Idempotency-Key is a client's mistake; it is hashed, never kept.
    const caseA = await open(A, '461', keys.integration461, `open-${A}`);
    const caseB = await open(B, '461', keys.integration461, B);
    const caseC461 = await open(C, '461', keys.integration461);
    const caseC101 = await open(`${C.slice(0, 6)}-${C.slice(6)}`, '101', keys.integration101);
    const caseD = await open(D, '101', keys.integration101);

    for (const [caseId, token] of [
      [caseA, keys.integration461],
      [caseB, keys.integration461],
      [caseC461, keys.integration461],
      [caseD, keys.integration101],
    ]) {
      await command('police', token, `/v1/cases/${caseId}/police-notifications`, police('pol-1'), 201);
    }
    await command(
      'second police',
      keys.integration461,
      `/v1/cases/${caseA}/police-notifications`,
      police('pol-2'),
      201,
    );
    await command(
      'target group',
      keys.integration461,
      `/v1/cases/${caseA}/police-notifications/pol-1/target-group-assessments`,
      {
        inTargetGroup: true,
        reasoning: 'Suspected of robbery; under 18.',
        occurredAt: '2026-03-24T12:00:00Z',
      },
      201,
    );
    const convened = await command(
      'convocation',
      keys.integration461,
      `/v1/cases/${caseA}/network-council/convocations`,
      {
        councilId: 'council-1',
        documentationId: 'pol-1',
        invitees: [
          { role: 'youth' },
          { role: 'custody-holder', description: 'mother' },
          { role: 'professional' },
        ],
        meetingDate: '2026-03-30',
        occurredAt: '2026-03-25T08:00:00Z',
      },
      201,
    );
    expect(convened.body.obligations.fulfilled).toEqual(
      expect.arrayContaining([expect.objectContaining({ obligationId: 'NSR-CONVENE:documentation:pol-1' })]),
    );

    // ------------------------------------------------------------ lookups, within scope only

    const found = (response: Response) =>
      (response.body.cases as Array<{ caseId: string }>).map((c) => c.caseId);
    expect(found(await lookup('A by 461', keys.integration461, A))).toEqual([caseA]);
    expect(found(await lookup('A hyphenated', keys.integration461, '010310-4123'))).toEqual([caseA]);
    expect(found(await lookup('A with spaces', keys.integration461, ` ${A} `))).toEqual([caseA]);
    expect(found(await lookup('B unhyphenated', keys.integration461, digits(B)))).toEqual([caseB]);
    expect(found(await lookup('B by supervisor', keys.supervisor461, B))).toEqual([caseB]);
    expect(found(await lookup('C by 461', keys.integration461, C))).toEqual([caseC461]);
    expect(found(await lookup('C by 101', keys.integration101, C))).toEqual([caseC101]);
    expect(found(await lookup('C by admin', keys.admin, C))).toEqual([caseC461, caseC101].sort());
    // A key of 101 finds none of 461's cases, and the other way round.
    for (const cpr of [A, B, digits(B)])
      expect(found(await lookup('461 case by 101', keys.integration101, cpr))).toEqual([]);
    expect(found(await lookup('101 case by 461', keys.integration461, D))).toEqual([]);
    expect(found(await lookup('never opened', keys.integration461, F))).toEqual([]);
    expect(found(await lookup('never opened, admin', keys.admin, E))).toEqual([]);
    for (const cpr of IMPOSSIBLE) {
      const refused = await lookup('impossible lookup', keys.integration461, cpr, 400);
      expect(refused.body).toMatchObject({ code: 'cpr-impossible-date', field: 'cpr' });
    }
    await lookup('CPR with a letter', keys.integration461, `${E}x`, 400);

    // ------------------------------------------------------------ reads: masked or revealed by role

    const integrationRead = await read(keys.integration461, caseA);
    shown.push({ what: 'integration read', response: integrationRead });
    expect(integrationRead.status).toBe(200);
    expect(integrationRead.body.person).toEqual({
      cpr: '010310-XXXX',
      masked: true,
      birthDate: '2010-03-01',
    });
    expect(integrationRead.body.policeDocumentation).toHaveProperty('pol-2');

    const auditorRead = await read(keys.auditor461, caseB);
    shown.push({ what: 'auditor read', response: auditorRead });
    expect(auditorRead.status).toBe(200);
    expect(auditorRead.body.person).toEqual({ cpr: '150609-XXXX', masked: true, birthDate: '2009-06-15' });

    const otherMunicipality = await read(keys.integration101, caseA);
    shown.push({ what: '101 reads 461', response: otherMunicipality });
    expect(otherMunicipality.status).toBe(404);

    const supervisorRead = await read(keys.supervisor461, caseA);
    expect(supervisorRead.status).toBe(200);
    expect(supervisorRead.body.person).toEqual({
      cpr: '010310-4123',
      masked: false,
      birthDate: '2010-03-01',
    });
    // The search below finds what it looks for: here, in a response allowed to show it.
    expect(cprsIn(supervisorRead.text, 'supervisor read')).toEqual([expect.stringContaining(`${A} in`)]);
    expect(cprsIn('{"id":"2812-11 5007"} 28.12.2011/5007 20111228-5007', 'sample')).toHaveLength(1);
    const adminRead = await read(keys.admin, caseC101);
    expect(adminRead.status).toBe(200);
    expect(adminRead.body.person).toEqual({ cpr: '281211-5007', masked: false, birthDate: '2011-12-28' });
    expect((await read(keys.supervisor461, caseC101)).status).toBe(404);

    // ------------------------------------------------------------ refused requests with CPR numbers in them

    const occurredAt = '2026-03-25T09:00:00Z';
    for (const cpr of IMPOSSIBLE) {
      const refused = await command(
        'impossible',
        keys.integration461,
        '/v1/cases',
        { cpr, municipality: '461', occurredAt },
        400,
      );
      expect(refused.body).toMatchObject({ code: 'cpr-impossible-date', field: 'cpr' });
    }
    await command(
      'E, other municipality',
      keys.integration461,
      '/v1/cases',
      { cpr: E, municipality: '101', occurredAt },
      403,
    );
    await command(
      'E, unknown field',
      keys.integration461,
      '/v1/cases',
      { cpr: F, municipality: '461', occurredAt, note: E },
      400,
    );
    await command(
      'E, cpr with letters',
      keys.integration461,
      '/v1/cases',
      { cpr: `${E}x`, municipality: '461', occurredAt },
      400,
    );
    const inText: Array<[string, string, Record<string, unknown>]> = [
      [
        'reasoning',
        `/v1/cases/${caseA}/police-notifications/pol-2/target-group-assessments`,
        { inTargetGroup: false, reasoning: `Not the youth with CPR ${E}`, occurredAt },
      ],
      [
        'invitee description',
        `/v1/cases/${caseB}/network-council/convocations`,
        {
          councilId: 'council-9',
          invitees: [{ role: 'custody-holder', description: `father, ${F}` }],
          meetingDate: '2026-03-30',
          occurredAt,
        },
      ],
      [
        'agreements',
        `/v1/cases/${caseA}/network-council/council-1/held`,
        {
          participants: [{ role: 'youth' }],
          agreements: ['School', `Sibling ${digits(F)} joins`],
          occurredAt,
        },
      ],
      [
        'end reason',
        `/v1/cases/${caseA}/placements/placement-1/end`,
        { reason: `moved in with ${A}`, occurredAt },
      ],
      ['documentation id', `/v1/cases/${caseA}/police-notifications`, { ...police(E), occurredAt }],
      ['placement id', `/v1/cases/${caseA}/placements`, { placementId: B, occurredAt }],
      ['path id', `/v1/cases/${caseA}/placements/${E}/end`, { occurredAt }],
      [
        'aftercare content',
        `/v1/cases/${caseC461}/aftercare/assessments`,
        { offered: true, content: `for ${C}`, occurredAt },
      ],
    ];
    for (const [what, path, body] of inText) await command(what, keys.integration461, path, body, 'refused');
    const waiver = await postCommand(
      api,
      keys.supervisor461,
      `/v1/cases/${caseA}/obligations/NSR-HOLD:council:council-1/waivers`,
      { justification: `Duplicate of the case of ${E}`, occurredAt },
      'pd-waiver',
    );
    shown.push({ what: 'waiver', response: waiver });
    expect(waiver.body).toMatchObject({ status: 400, code: 'cpr-in-free-text', field: 'justification' });
    // Bodies refused before they are read as an object.
    for (const [what, contentType, text, status] of [
      ['malformed', 'application/json', `{"cpr":"${E}","municipality":"461",`, 400],
      ['form', 'application/x-www-form-urlencoded', `cpr=${E}&municipality=461`, 415],
      ['oversized', 'application/json', JSON.stringify({ cpr: E, padding: `${E} `.repeat(7_000) }), 413],
    ] as const) {
      const response = await api.http
        .post('/v1/cases')
        .set('Authorization', `Bearer ${keys.integration461}`)
        .set('Idempotency-Key', `pd-${what}`)
        .set('Content-Type', contentType)
        .send(text);
      shown.push({ what, response });
      expect({ what, status: response.status }).toEqual({ what, status });
    }
    const cprInUrl = await read(keys.integration461, E);
    shown.push({ what: 'CPR as case id', response: cprInUrl });
    expect(cprInUrl.status).toBe(400);

    // ------------------------------------------------------------ where a CPR number could have ended up

    const database = new Client({ connectionString: api.database.url });
    await database.connect();
    let tables: string[];
    const rows: string[] = [];
    try {
      tables = (
        await database.query<{ name: string }>(
          `SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) AS name
             FROM information_schema.tables
            WHERE table_schema NOT IN ('pg_catalog', 'information_schema')`,
        )
      ).rows.map((r) => r.name);
      const events = await database.query<{ stream_name: string; data: string; metadata: string }>(
        'SELECT stream_name, data::text, metadata::text FROM fristvagt.events',
      );
      rows.push(...events.rows.map((r) => `${r.stream_name} ${r.data} ${r.metadata}`));
      for (const table of tables) {
        const all = await database.query<{ row: string }>(`SELECT t::text AS row FROM ${table} t`);
        rows.push(...all.rows.map((r) => `${table}: ${r.row}`));
      }
    } finally {
      await database.end();
    }
    expect(tables).toEqual(expect.arrayContaining(['fristvagt.events', 'fristvagt.schema_migrations']));
    // Not vacuous: the cases are there, with their people encrypted.
    const stored = rows.join('\n');
    for (const caseId of [caseA, caseB, caseC461, caseC101, caseD])
      expect(stored).toContain(`case-${caseId}`);
    expect(stored.match(/"cprCiphertext"/g)).toHaveLength(10); // 5 CaseOpened rows, read twice

    const logs = api.logs();
    expect(logs).toContain('auditor read a case');
    const files = await filesUnder(api.running.config.dataDir);
    const fileTexts = await Promise.all(
      files.map(async (file) => ({ file, text: await readFile(file, 'utf8') })),
    );

    const leaks = [
      ...rows.flatMap((row, i) => cprsIn(row, `database row ${i}`)),
      ...cprsIn(logs, 'logs'),
      ...fileTexts.flatMap(({ file, text }) => cprsIn(text, file)),
      ...shown.flatMap(({ what, response }) =>
        cprsIn(`${JSON.stringify(response.headers)} ${response.text}`, `response to ${what}`),
      ),
    ];
    expect(leaks).toEqual([]);
  });
});

/** Ways a CPR number once reached storage in clear, kept as regression tests. */
describe('personal-data leaks found and closed', () => {
  let api: TestApi;
  let token: string;
  let caseId: string;

  beforeAll(async () => {
    api = await startTestApi({ now: NOW, env: { LOG_LEVEL: 'info' } });
    token = await api.key('integration', ['461']);
    const opened = await postCommand(
      api,
      token,
      '/v1/cases',
      { cpr: A, municipality: '461', occurredAt: '2026-03-20T10:00:00Z' },
      'leak-open',
    );
    caseId = opened.body.caseId;
  });
  afterAll(async () => {
    await api?.close();
  });

  async function storedText(): Promise<string> {
    const database = new Client({ connectionString: api.database.url });
    await database.connect();
    try {
      const rows = await database.query<{ row: string }>('SELECT e::text AS row FROM fristvagt.events e');
      return rows.rows.map((r) => r.row).join('\n');
    } finally {
      await database.end();
    }
  }

  it('does not store a CPR number sent as X-Request-Id (it would become the events’ correlationId)', async () => {
    const response = await api.http
      .post(`/v1/cases/${caseId}/police-notifications`)
      .set('Authorization', `Bearer ${token}`)
      .set('Idempotency-Key', 'leak-request-id')
      .set('X-Request-Id', '010310-4123')
      .send({
        documentationId: 'pol-1',
        kind: 'interview-invitation',
        offenceCategories: ['robbery'],
        occurredAt: '2026-03-24T09:00:00Z',
      });
    expect(response.status).toBe(201);
    expect(cprsIn(await storedText(), 'events', ['010310-4123'])).toEqual([]);
  });

  it('does not store an id with a CPR number inside it (pol-DDMMYYSSSS)', async () => {
    const response = await api.http
      .post(`/v1/cases/${caseId}/police-notifications`)
      .set('Authorization', `Bearer ${token}`)
      .set('Idempotency-Key', 'leak-embedded-id')
      .send({
        documentationId: `pol-${E}`,
        kind: 'interview-invitation',
        offenceCategories: ['robbery'],
        occurredAt: '2026-03-24T09:00:00Z',
      });
    expect(response.status).toBeLessThan(500);
    expect(cprsIn(await storedText(), 'events', [E])).toEqual([]);
  });
});
