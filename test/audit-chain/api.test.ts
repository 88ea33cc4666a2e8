import { Client } from 'pg';
import { generateSigningKey, SqlEventStore } from '@fristvagt/event-store';
import { parseCheckpointSigningKey } from '@fristvagt/config';
import { openNotifiedCase, startTestApi, type TestApi } from '../support/api';
import { expectRefusal } from '../support/api-requests';

jest.setTimeout(120_000);

const PURPOSE = 'Ankestyrelsen j.nr. 26-0042: kontrol af loggen';

/** GET /v1/cases/{caseId}/verify and GET /v1/audit/checkpoints on the real app over PostgreSQL (issue 13). */
describe('tamper evidence over HTTP', () => {
  let api: TestApi;
  let tokens: Record<'i461' | 'auditor' | 'auditor101' | 'admin', string>;
  let caseId = '';

  beforeAll(async () => {
    api = await startTestApi({ now: '2026-12-01T10:00:00Z', env: { DATABASE_POOL_SIZE: '4' } });
    tokens = {
      i461: await api.key('integration', ['461']),
      auditor: await api.key('auditor', ['461']),
      auditor101: await api.key('auditor', ['101']),
      admin: await api.key('admin', '*'),
    };
    caseId = await openNotifiedCase(api, tokens.i461);
  });
  afterAll(async () => {
    await api?.close();
  });

  const verify = (token: string, id = caseId) =>
    api.http
      .get(`/v1/cases/${id}/verify`)
      .set('Authorization', `Bearer ${token}`)
      .set('X-Audit-Purpose', PURPOSE);

  it('reports an untouched case as intact, to auditors and admins only', async () => {
    const response = await verify(tokens.auditor);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ caseId, ok: true, unhashed: 0, breaks: [] });
    expect(response.body.events).toBeGreaterThanOrEqual(2);
    expect((await verify(tokens.admin)).body.ok).toBe(true);
    expectRefusal(await verify(tokens.i461), { status: 403, code: 'forbidden-role', field: undefined });
  });

  it('answers a case outside the auditor’s municipalities and a malformed id as problems', async () => {
    expectRefusal(await verify(tokens.auditor101), { status: 404, code: 'case-not-found', field: undefined });
    expectRefusal(await verify(tokens.auditor, 'not-a-uuid'), {
      status: 400,
      code: 'invalid-case-id',
      field: 'caseId',
    });
  });

  it('names the edited event of a case', async () => {
    const sql = new Client({ connectionString: api.database.url });
    await sql.connect();
    let eventId: string;
    try {
      const { rows } = await sql.query(
        `UPDATE fristvagt.events SET data = '{"forged":true}' WHERE stream_name = $1 AND stream_revision = 1
         RETURNING event_id::text AS id`,
        [`case-${caseId}`],
      );
      eventId = rows[0].id;
    } finally {
      await sql.end();
    }
    const response = await verify(tokens.auditor);
    expect(response.status).toBe(200);
    expect(response.body.ok).toBe(false);
    expect(response.body.breaks).toEqual([
      expect.objectContaining({ stream: `case-${caseId}`, revision: '1', eventId, kind: 'content' }),
    ]);
  });

  it('exports sealed checkpoints with their leaves, and without them on request', async () => {
    const parsed = parseCheckpointSigningKey(generateSigningKey());
    if (!parsed.ok) throw new Error(parsed.message);
    const sealed = await (api.store as SqlEventStore).sealCheckpoint({
      key: parsed.value,
      now: api.clock.now(),
      intervalMs: 3_600_000,
    });
    const list = (query: Record<string, string>, token = tokens.auditor) =>
      api.http
        .get('/v1/audit/checkpoints')
        .query(query)
        .set('Authorization', `Bearer ${token}`)
        .set('X-Audit-Purpose', PURPOSE);
    const full = await list({});
    expect(full.status).toBe(200);
    expect(full.body.checkpoints[0]).toEqual(JSON.parse(JSON.stringify(sealed)));
    expect(full.body.checkpoints[0].leaves).toContainEqual(
      expect.objectContaining({ stream: `case-${caseId}` }),
    );
    const bare = await list({ leaves: 'false', limit: '1' });
    expect(bare.body.checkpoints[0]).toMatchObject({ id: sealed!.id, leaves: [] });
    expectRefusal(await list({ leaves: 'maybe' }), { status: 400, code: 'invalid-boolean', field: 'leaves' });
    expectRefusal(await list({}, tokens.i461), { status: 403, code: 'forbidden-role', field: undefined });
  });
});
