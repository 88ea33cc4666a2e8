import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { StreamNotFound } from '@fristvagt/event-store';
import { MunicipalSettingsStore } from '../../apps/api/src/municipalities/municipal-settings-store';
import { cprFor, startTestApi, type TestApi } from '../support/api';
import { expectRefusal, postAccepted, postCommand } from '../support/api-requests';

/**
 * Municipal settings at run time through the API on real PostgreSQL: who may record them, what is refused
 * (naming the field, storing nothing), how GET /v1/rules shows them on a date, and that a case command after
 * a change opens its obligation under the new settings while the one opened before keeps its due.
 */

jest.setTimeout(60_000);

// Sunday 29 November 2026, 11:00 in Copenhagen.
const NOW = '2026-11-29T10:00:00Z';
const SETTINGS = '/v1/municipalities/461/settings';
const STREAM = 'municipality-461-settings';

const ROLL_CONVENE = {
  effectiveFrom: '2026-11-29',
  rollForward: ['NSR-CONVENE'],
  extraNonWorkingDays: ['12-24'],
  aftercareProcessingDays: 21,
  warningLeads: { 'NSR-CONVENE': 'P3D' },
};

describe('municipal settings: /v1/municipalities/{code}/settings', () => {
  let api: TestApi;
  const tokens = {} as Record<
    'admin' | 'admin101' | 'supervisor' | 'integration' | 'auditor' | 'integration101',
    string
  >;

  beforeAll(async () => {
    // A small pool: the server's connections are shared with the other test files running beside this one.
    api = await startTestApi({ now: NOW, env: { DATABASE_POOL_SIZE: '4' } });
    tokens.admin = await api.key('admin', ['461']);
    tokens.admin101 = await api.key('admin', ['101']);
    tokens.supervisor = await api.key('supervisor', ['461']);
    tokens.integration = await api.key('integration', ['461']);
    tokens.auditor = await api.key('auditor', ['461']);
    tokens.integration101 = await api.key('integration', ['101']);
  });
  afterAll(async () => {
    await api?.close();
  });

  /** The number of events in the settings stream (0: none). */
  async function streamLength(): Promise<number> {
    try {
      return (await api.store.readStream(STREAM)).length;
    } catch (error) {
      if (error instanceof StreamNotFound) return 0;
      throw error;
    }
  }

  const record = (token: string, body: unknown, path = SETTINGS, key = randomUUID(), headers = {}) =>
    postCommand(api, token, path, body, key, headers);

  describe('who may record and read them', () => {
    it.each(['supervisor', 'integration', 'auditor'] as const)(
      'the %s role may not record (403)',
      async (role) => {
        expectRefusal(await record(tokens[role], ROLL_CONVENE), {
          status: 403,
          code: 'forbidden-role',
          field: undefined,
        });
        expect(await streamLength()).toBe(0);
      },
    );

    it("an admin of 101 may not record 461's settings (403), nor read them", async () => {
      expectRefusal(await record(tokens.admin101, ROLL_CONVENE), {
        status: 403,
        code: 'municipality-out-of-scope',
        field: 'code',
      });
      const read = await api.http.get(SETTINGS).set('Authorization', `Bearer ${tokens.admin101}`);
      expectRefusal(read, { status: 403, code: 'municipality-out-of-scope', field: 'code' });
      expect(await streamLength()).toBe(0);
    });

    it('a kommunekode is three digits', async () => {
      expectRefusal(await record(tokens.admin, ROLL_CONVENE, '/v1/municipalities/46/settings'), {
        status: 400,
        code: 'invalid-municipality',
        field: 'code',
      });
    });

    it('an integration key may not read the history; a supervisor may', async () => {
      const refused = await api.http.get(SETTINGS).set('Authorization', `Bearer ${tokens.integration}`);
      expectRefusal(refused, { status: 403, code: 'forbidden-role', field: undefined });
      const read = await api.http.get(SETTINGS).set('Authorization', `Bearer ${tokens.supervisor}`);
      expect(read.status).toBe(200);
      expect(read.headers.etag).toBe('"0"');
      expect(read.body).toEqual({ municipality: '461', version: 0, entries: [] });
    });
  });

  describe('a bad setting is refused naming its field, and nothing is stored', () => {
    it.each(
      [
        [{ ...ROLL_CONVENE, effectiveFrom: '29-11-2026' }, 'effectiveFrom', 'invalid-date'],
        [{ ...ROLL_CONVENE, effectiveFrom: '2028-01-01' }, 'effectiveFrom', 'effective-date-out-of-range'],
        [{ ...ROLL_CONVENE, rollForward: ['NSR-CONVENE', 'NOT-A-RULE'] }, 'rollForward[1]', 'unknown-rule'],
        [
          { ...ROLL_CONVENE, extraNonWorkingDays: ['12-25'] },
          'extraNonWorkingDays[0]',
          'invalid-non-working-day',
        ],
        [{ ...ROLL_CONVENE, aftercareProcessingDays: 400 }, 'aftercareProcessingDays', 'out-of-range'],
        [
          { ...ROLL_CONVENE, municipalStandardRules: ['NSR-HOLD'] },
          'municipalStandardRules[0]',
          'not-a-municipal-standard',
        ],
        [
          { ...ROLL_CONVENE, warningLeads: { 'NSR-CONVENE': 'PT1H' } },
          'warningLeads.NSR-CONVENE',
          'invalid-warning-lead',
        ],
        [{ ...ROLL_CONVENE, reoffenceAssessmentDays: 0 }, 'reoffenceAssessmentDays', 'out-of-range'],
        [{ ...ROLL_CONVENE, colour: 'blue' }, 'colour', 'unknown-field'],
      ].map(([body, field, code]) => [field as string, code as string, body] as const),
    )('%s: 400 %s', async (field, code, body) => {
      expectRefusal(await record(tokens.admin, body), { status: 400, code, field });
      expect(await streamLength()).toBe(0);
    });

    it('an Idempotency-Key is required', async () => {
      const response = await api.http
        .post(SETTINGS)
        .set('Authorization', `Bearer ${tokens.admin}`)
        .send(ROLL_CONVENE);
      expectRefusal(response, { status: 400, code: 'idempotency-key-required', field: 'Idempotency-Key' });
      expect(await streamLength()).toBe(0);
    });
  });

  describe('recorded, they apply to facts from their date on', () => {
    let caseId: string;

    it('a notification before the change opens NSR-CONVENE under the pack settings', async () => {
      const opened = await postAccepted(
        api,
        tokens.integration,
        '/v1/cases',
        { cpr: cprFor('2010-05-10', 4127), municipality: '461', occurredAt: '2026-11-01T09:00:00Z' },
        randomUUID(),
      );
      caseId = opened.body.caseId as string;
      // Saturday 28 November: due Saturday 5 December, not rolled.
      const notified = await postAccepted(
        api,
        tokens.integration,
        `/v1/cases/${caseId}/police-notifications`,
        {
          documentationId: 'pol-1',
          kind: 'interview-invitation',
          offenceCategories: ['robbery'],
          occurredAt: '2026-11-28T10:00:00Z',
        },
        randomUUID(),
      );
      expect(notified.body.obligations.opened).toEqual([
        expect.objectContaining({ ruleId: 'NSR-CONVENE', dueDate: '2026-12-05' }),
      ]);
    });

    it('an admin records the settings; a retry with the same key is replayed; a stale If-Match is 412', async () => {
      const key = randomUUID();
      const recorded = await record(tokens.admin, ROLL_CONVENE, SETTINGS, key, { 'If-Match': '"0"' });
      expect(recorded.status).toBe(201);
      expect(recorded.headers.etag).toBe('"1"');
      expect(recorded.body).toEqual({
        municipality: '461',
        version: 1,
        entries: [
          {
            effectiveFrom: '2026-11-29',
            settings: {
              rollForward: ['NSR-CONVENE'],
              extraNonWorkingDays: ['christmas-eve'],
              aftercareProcessingDays: 21,
              warningLeadDays: { 'NSR-CONVENE': 3 },
            },
            recordedAt: '2026-11-29T10:00:00.000Z',
            by: expect.any(String),
          },
        ],
      });

      const replayed = await record(tokens.admin, ROLL_CONVENE, SETTINGS, key);
      expect(replayed.status).toBe(201);
      expect(replayed.headers['idempotent-replayed']).toBe('true');
      expect(replayed.body).toEqual(recorded.body);

      const reused = await record(
        tokens.admin,
        { ...ROLL_CONVENE, aftercareProcessingDays: 22 },
        SETTINGS,
        key,
      );
      expectRefusal(reused, { status: 422, code: 'idempotency-key-reused', field: 'Idempotency-Key' });

      const stale = await record(tokens.admin, ROLL_CONVENE, SETTINGS, randomUUID(), { 'If-Match': '"0"' });
      expectRefusal(stale, { status: 412, code: 'revision-mismatch', field: 'If-Match' });
      expect(await streamLength()).toBe(1);

      const history = await api.http.get(SETTINGS).set('Authorization', `Bearer ${tokens.supervisor}`);
      expect(history.headers.etag).toBe('"1"');
      expect(history.body).toEqual(recorded.body);
    });

    it('GET /v1/rules shows them for that municipality on and after their date, not before', async () => {
      const rules = async (at: string) => {
        const response = await api.http
          .get(`/v1/rules?municipality=461&at=${at}`)
          .set('Authorization', `Bearer ${tokens.integration}`);
        expect(response.status).toBe(200);
        const variants = response.body.rules as Array<{
          ruleId: string;
          municipalOverrides: Array<Record<string, unknown>>;
        }>;
        return (ruleId: string) =>
          variants.filter((rule) => rule.ruleId === ruleId).flatMap((rule) => rule.municipalOverrides);
      };
      const onTheDay = await rules('2026-11-29');
      expect(onTheDay('NSR-CONVENE')).toContainEqual(
        expect.objectContaining({
          municipality: '461',
          rollForward: true,
          extraNonWorkingDays: ['christmas-eve'],
          warningLeadDays: 3,
        }),
      );
      expect(onTheDay('AC-DECIDE')).toContainEqual(
        expect.objectContaining({ municipality: '461', dueDays: 21 }),
      );
      const before = await rules('2026-11-28');
      expect(before('NSR-CONVENE')).toEqual([]);

      const outOfScope = await api.http
        .get('/v1/rules?municipality=461')
        .set('Authorization', `Bearer ${tokens.integration101}`);
      expectRefusal(outOfScope, { status: 403, code: 'municipality-out-of-scope', field: 'municipality' });
      const badDate = await api.http
        .get('/v1/rules?municipality=461&at=2026-02-30')
        .set('Authorization', `Bearer ${tokens.integration}`);
      expectRefusal(badDate, { status: 400, code: 'invalid-date', field: 'at' });
    });

    it('the due calculator counts under the settings in effect on the trigger date', async () => {
      const due = async (from: string) => {
        const response = await api.http
          .get(`/v1/rules/NSR-CONVENE/due?from=${from}&municipality=461`)
          .set('Authorization', `Bearer ${tokens.integration}`);
        expect(response.status).toBe(200);
        return response.body.localDueDate as string;
      };
      expect(await due('2026-11-28T10:00:00Z')).toBe('2026-12-05');
      expect(await due('2026-11-29T09:00:00Z')).toBe('2026-12-07');
    });

    it('a case command after the change opens its obligation under the new settings; the earlier one keeps its due', async () => {
      // Sunday 29 November: due Sunday 6 December, rolled to Monday 7 December.
      const notified = await postAccepted(
        api,
        tokens.integration,
        `/v1/cases/${caseId}/police-notifications`,
        {
          documentationId: 'pol-2',
          kind: 'interview-invitation',
          offenceCategories: ['robbery'],
          occurredAt: '2026-11-29T09:00:00Z',
        },
        randomUUID(),
      );
      expect(notified.body.obligations.opened).toEqual([
        expect.objectContaining({ ruleId: 'NSR-CONVENE', dueDate: '2026-12-07' }),
      ]);
      const read = await api.http
        .get(`/v1/cases/${caseId}`)
        .set('Authorization', `Bearer ${tokens.integration}`);
      expect(read.status).toBe(200);
      const open = read.body.obligations.open as Array<{ obligationId: string; dueDate: string }>;
      expect(open.find((o) => o.obligationId === 'NSR-CONVENE:documentation:pol-1')?.dueDate).toBe(
        '2026-12-05',
      );
      expect(open.find((o) => o.obligationId === 'NSR-CONVENE:documentation:pol-2')?.dueDate).toBe(
        '2026-12-07',
      );
    });

    it("a national key, whose scope names no municipality, has the case's settings read on demand", async () => {
      const national = await api.key('integration', '*');
      const notified = await postAccepted(
        api,
        national,
        `/v1/cases/${caseId}/police-notifications`,
        {
          documentationId: 'pol-3',
          kind: 'interview-invitation',
          offenceCategories: ['robbery'],
          occurredAt: '2026-11-29T09:30:00Z',
        },
        randomUUID(),
      );
      expect(notified.body.obligations.opened).toEqual([
        expect.objectContaining({ ruleId: 'NSR-CONVENE', dueDate: '2026-12-07' }),
      ]);
    });

    it('costs one short stream read per command (measured)', async () => {
      const store = api.running.app.get(MunicipalSettingsStore);
      const reads = 200;
      const started = performance.now();
      for (let i = 0; i < reads; i++) await store.timelines(['461']);
      const meanMs = (performance.now() - started) / reads;
      process.stdout.write(
        `municipal settings read: ${meanMs.toFixed(3)} ms per command (mean of ${reads})\n`,
      );
      expect(meanMs).toBeLessThan(50);
    });
  });
});
