import { randomUUID } from 'node:crypto';
import { ACCESS_LOG_STREAM_PREFIX, AUDITOR_READ_RECORDED } from '@fristvagt/audit';
import { cprFor, openNotifiedCase, startTestApi, type TestApi } from '../support/api';
import { allEvents, expectRefusal, isProblemJson } from '../support/api-requests';

/** A few connections are plenty for these tests; the server is shared with other test files. */
const SMALL_POOL = { DATABASE_POOL_SIZE: '4' };

jest.setTimeout(120_000);

const PURPOSE = 'Ankestyrelsen j.nr. 26-0042: praksisundersøgelse';
const keyIdOf = (token: string) => token.slice('fv_'.length, 'fv_'.length + 12);

interface Entry {
  readonly auditor: string;
  readonly via: string;
  readonly method: string;
  readonly route: string;
  readonly caseId: string | null;
  readonly parameters: string[];
  readonly purpose: string;
  readonly at: string;
  readonly recordedAt: string;
}

/**
 * Issue 13, point 4 on the real app over PostgreSQL: every auditor read states a purpose and is recorded as an
 * event before it is answered; admins list the records; auditors change nothing.
 */
describe('auditors’ access log (PostgreSQL)', () => {
  let api: TestApi;
  let tokens: Record<'i461' | 'auditor' | 'auditor2' | 'admin' | 'sup461', string>;
  let caseId = '';

  const auditRecords = async () =>
    (await allEvents(api.store)).filter((event) => event.type === AUDITOR_READ_RECORDED);

  const accessLog = (query: Record<string, string | number> = {}, token = tokens.admin) =>
    api.http.get('/v1/audit/access-log').query(query).set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    api = await startTestApi({ now: '2026-12-01T10:00:00Z', env: SMALL_POOL });
    tokens = {
      i461: await api.key('integration', ['461']),
      auditor: await api.key('auditor', ['461']),
      auditor2: await api.key('auditor', ['461']),
      admin: await api.key('admin', '*'),
      sup461: await api.key('supervisor', ['461']),
    };
    caseId = await openNotifiedCase(api, tokens.i461);
  });

  afterAll(async () => {
    await api?.close();
  });

  it('refuses an auditor read without a purpose: 400 naming the field, nothing recorded, nothing read', async () => {
    const before = (await auditRecords()).length;
    for (const path of [
      `/v1/cases/${caseId}`,
      `/v1/cases/${caseId}/history`,
      '/v1/obligations',
      '/v1/rules',
    ]) {
      const response = await api.http.get(path).set('Authorization', `Bearer ${tokens.auditor}`);
      expectRefusal(response, { status: 400, code: 'purpose-required', field: 'purpose' });
      expect(isProblemJson(response)).toBe(true);
      expect(response.body.caseId).toBeUndefined();
    }
    expect((await auditRecords()).length).toBe(before);
  });

  it.each<[string, string, string]>([
    ['too short', 'abc', 'invalid-purpose'],
    ['too long', 'x'.repeat(201), 'invalid-purpose'],
    ['markup', '<script>alert(1)</script> review', 'invalid-purpose'],
    ['a line break', 'review\nof case', 'invalid-purpose'],
    ['a CPR number', `Review of ${cprFor('2008-06-15')}`, 'personal-data-in-purpose'],
    [
      'a CPR number with a dash',
      `Review of ${cprFor('2008-06-15').slice(0, 6)}-${cprFor('2008-06-15').slice(6)}`,
      'personal-data-in-purpose',
    ],
  ])('refuses a purpose with %s', async (_what, purpose, code) => {
    const before = (await auditRecords()).length;
    const response = await api.http
      .get(`/v1/cases/${caseId}`)
      .query({ purpose })
      .set('Authorization', `Bearer ${tokens.auditor}`);
    expectRefusal(response, { status: 400, code, field: 'purpose' });
    expect(response.text).not.toContain(cprFor('2008-06-15'));
    expect(api.logs()).not.toContain(cprFor('2008-06-15'));
    expect((await auditRecords()).length).toBe(before);
  });

  it('refuses a header and a parameter that differ, and a header that is no valid percent-encoding', async () => {
    expectRefusal(
      await api.http
        .get(`/v1/cases/${caseId}`)
        .query({ purpose: 'Another purpose' })
        .set('X-Audit-Purpose', PURPOSE.replace('ø', 'o'))
        .set('Authorization', `Bearer ${tokens.auditor}`),
      { status: 400, code: 'invalid-purpose', field: 'purpose' },
    );
    expectRefusal(
      await api.http
        .get(`/v1/cases/${caseId}`)
        .set('X-Audit-Purpose', 'review %E0%A4%A')
        .set('Authorization', `Bearer ${tokens.auditor}`),
      { status: 400, code: 'invalid-purpose', field: 'purpose' },
    );
  });

  it('records every read with a purpose as an event in the day’s stream before answering it', async () => {
    api.clock.set('2026-12-01T10:05:00Z');
    const before = (await auditRecords()).length;
    await api.http
      .get(`/v1/cases/${caseId}/history`)
      .query({ asOf: '2026-12-01T00:00:00Z' })
      .set('X-Audit-Purpose', encodeURIComponent(PURPOSE))
      .set('Authorization', `Bearer ${tokens.auditor}`)
      .expect(200);
    // The parameter works as well, and is not mistaken for one of the route's own.
    await api.http
      .get(`/v1/cases/${caseId}/history`)
      .query({ purpose: PURPOSE, knownAt: '2026-12-01T10:00:00Z' })
      .set('Authorization', `Bearer ${tokens.auditor2}`)
      .expect(200);
    // A read the route refuses (a case outside the scope: 404) read nothing and records nothing, as no refused
    // request stores anything (issue 12).
    const foreign = randomUUID();
    await api.http
      .get(`/v1/cases/${foreign}`)
      .set('X-Audit-Purpose', 'Stikprøve 2026')
      .set('Authorization', `Bearer ${tokens.auditor}`)
      .expect(404);

    const records = (await auditRecords()).slice(before);
    expect(records.map((event) => event.streamName)).toEqual([
      `${ACCESS_LOG_STREAM_PREFIX}2026-12-01`,
      `${ACCESS_LOG_STREAM_PREFIX}2026-12-01`,
    ]);
    expect(records.map((event) => event.data)).toEqual([
      {
        auditor: keyIdOf(tokens.auditor),
        via: 'bearer',
        method: 'GET',
        route: '/v1/cases/:caseId/history',
        caseId,
        parameters: ['asOf'],
        purpose: PURPOSE,
        at: '2026-12-01T10:05:00.000Z',
      },
      {
        auditor: keyIdOf(tokens.auditor2),
        via: 'bearer',
        method: 'GET',
        route: '/v1/cases/:caseId/history',
        caseId,
        parameters: ['knownAt'],
        purpose: PURPOSE,
        at: '2026-12-01T10:05:00.000Z',
      },
    ]);
    expect(records.some((event) => (event.data as { caseId?: string }).caseId === foreign)).toBe(false);
    for (const record of records) expect(record.metadata.actor).toBe(record.data.auditor);
  });

  it('records nothing for a read the route refuses, such as one with a parameter a caller made up', async () => {
    // A name of digits stands for one that might be a CPR number.
    const before = (await auditRecords()).length;
    await api.http
      .get(`/v1/cases/${caseId}/history`)
      .query('12345=1&asOf=2026-12-01T00:00:00Z&%3Cb%3E=2')
      .set('X-Audit-Purpose', 'Stikprøve 2026')
      .set('Authorization', `Bearer ${tokens.auditor}`)
      .expect(400);
    expect(await auditRecords()).toHaveLength(before);
    await api.http
      .get(`/v1/cases/${caseId}/history`)
      .query('asOf=2026-12-01T00:00:00Z')
      .set('X-Audit-Purpose', 'Stikprøve 2026')
      .set('Authorization', `Bearer ${tokens.auditor}`)
      .expect(200);
    const last = (await auditRecords()).at(-1)!;
    expect(last.data).toMatchObject({ route: '/v1/cases/:caseId/history', parameters: ['asOf'] });
  });

  it('does not ask other roles for a purpose, and records nothing for them', async () => {
    const before = (await auditRecords()).length;
    await api.http.get(`/v1/cases/${caseId}`).set('Authorization', `Bearer ${tokens.sup461}`).expect(200);
    await api.http
      .get(`/v1/cases/${caseId}/history`)
      .set('Authorization', `Bearer ${tokens.admin}`)
      .expect(200);
    expect((await auditRecords()).length).toBe(before);
  });

  it('refuses an auditor’s write with 403, whatever the purpose, and stores nothing', async () => {
    const before = (await allEvents(api.store)).length;
    const attempts = [
      api.http
        .post('/v1/cases')
        .send({ cpr: cprFor('2009-01-01'), municipality: '461', occurredAt: '2026-11-01T09:00:00Z' }),
      api.http.post(`/v1/cases/${caseId}/police-notifications`).send({
        documentationId: 'pol-9',
        kind: 'other',
        offenceCategories: ['other'],
        occurredAt: '2026-11-20T10:00:00Z',
      }),
      api.http.post(`/v1/cases/${caseId}/obligations/NSR-CONVENE:documentation:pol-1/waivers`).send({
        justification: 'auditor tries to waive',
        occurredAt: '2026-11-20T10:00:00Z',
      }),
    ];
    for (const attempt of attempts) {
      const response = await attempt
        .set('Authorization', `Bearer ${tokens.auditor}`)
        .set('X-Audit-Purpose', PURPOSE)
        .set('Idempotency-Key', randomUUID());
      expect({ status: response.status, code: response.body.code }).toEqual({
        status: 403,
        code: 'forbidden-role',
      });
    }
    expect((await allEvents(api.store)).length).toBe(before);
  });

  it('lists the log for admins, filtered by auditor, case and time, a page at a time', async () => {
    api.clock.set('2026-12-02T08:00:00Z');
    for (let i = 0; i < 3; i++) {
      await api.http
        .get(`/v1/cases/${caseId}`)
        .set('X-Audit-Purpose', `Opfølgning nr. ${i + 1}`)
        .set('Authorization', `Bearer ${tokens.auditor2}`)
        .expect(200);
    }
    const all = await accessLog({ from: '2026-12-01T00:00:00Z', to: '2026-12-02T23:59:59Z' }).expect(200);
    const items = all.body.items as Entry[];
    expect(items.length).toBe((await auditRecords()).length);
    expect(items.map((item) => item.at)).toEqual([...items.map((item) => item.at)].sort());
    expect(all.body.next).toBeNull();

    const ofAuditor2 = await accessLog({
      auditor: keyIdOf(tokens.auditor2),
      from: '2026-12-01T00:00:00Z',
      to: '2026-12-03T00:00:00Z',
    }).expect(200);
    expect((ofAuditor2.body.items as Entry[]).map((item) => [item.route, item.purpose])).toEqual([
      ['/v1/cases/:caseId/history', PURPOSE],
      ['/v1/cases/:caseId', 'Opfølgning nr. 1'],
      ['/v1/cases/:caseId', 'Opfølgning nr. 2'],
      ['/v1/cases/:caseId', 'Opfølgning nr. 3'],
    ]);

    const ofCaseOnDay2 = await accessLog({
      caseId,
      from: '2026-12-02T00:00:00Z',
      to: '2026-12-02T12:00:00Z',
    }).expect(200);
    expect((ofCaseOnDay2.body.items as Entry[]).map((item) => item.purpose)).toEqual([
      'Opfølgning nr. 1',
      'Opfølgning nr. 2',
      'Opfølgning nr. 3',
    ]);

    // Pages of two, followed to the end, give the same records once each.
    const paged: Entry[] = [];
    let cursor: string | null = null;
    do {
      const page = await accessLog({
        from: '2026-12-01T00:00:00Z',
        to: '2026-12-02T23:59:59Z',
        limit: 2,
        ...(cursor !== null && { cursor }),
      }).expect(200);
      paged.push(...(page.body.items as Entry[]));
      cursor = page.body.next as string | null;
    } while (cursor !== null);
    expect(paged).toEqual(items);
  });

  it('is for admins only, and refuses bad filters naming the parameter', async () => {
    for (const token of [tokens.auditor, tokens.sup461, tokens.i461]) {
      const response = await accessLog({}, token).set('X-Audit-Purpose', PURPOSE);
      expect({ status: response.status, code: response.body.code }).toEqual({
        status: 403,
        code: 'forbidden-role',
      });
    }
    expectRefusal(await accessLog({ caseId: 'nope' }), {
      status: 400,
      code: 'invalid-case-id',
      field: 'caseId',
    });
    expectRefusal(await accessLog({ auditor: 'Mette Jensen' }), {
      status: 400,
      code: 'invalid-key-id',
      field: 'auditor',
    });
    expectRefusal(await accessLog({ from: '2026-12-01' }), {
      status: 400,
      code: 'invalid-instant',
      field: 'from',
    });
    expectRefusal(await accessLog({ from: '2026-01-01T00:00:00Z', to: '2026-12-01T00:00:00Z' }), {
      status: 400,
      code: 'invalid-range',
      field: 'from',
    });
    expectRefusal(await accessLog({ cursor: 'garbage!' }), {
      status: 400,
      code: 'invalid-cursor',
      field: 'cursor',
    });
    expectRefusal(await accessLog({ purpose: PURPOSE }), {
      status: 400,
      code: 'unknown-field',
      field: 'purpose',
    });
  });
});
