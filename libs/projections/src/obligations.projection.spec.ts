import type { ObligationOpened } from '@fristvagt/domain';
import { type NewEvent, PgliteEventStore } from '@fristvagt/event-store';
import { ObligationsReadModel } from './obligations-read-model';
import { obligationsProjection } from './obligations.projection';
import { ProjectionRunner } from './projection-runner';
import { sharedPgliteReadModels } from './read-model-database';

// Starting PGlite takes seconds on a busy machine.
jest.setTimeout(60_000);

const AT = '2026-03-02T10:00:00.000Z';

function event(type: string, data: object, municipality = '461'): NewEvent {
  return {
    id: crypto.randomUUID(),
    type,
    data: data as Record<string, unknown>,
    metadata: {
      municipality,
      actor: 'test',
      occurredAt: AT,
      correlationId: crypto.randomUUID(),
      causationId: null,
      schemaVersion: 1,
    },
  };
}

function opened(obligationId: string, title: string): ObligationOpened['data'] {
  return {
    obligationId,
    ruleId: 'NSR-CONVENE',
    variant: 'barnets-lov',
    title,
    subject: { kind: 'documentation', id: 'pol-1' },
    dueAt: '2026-03-09T23:00:00.000Z',
    dueDate: '2026-03-09',
    strictDueAt: '2026-03-09T23:00:00.000Z',
    strictDueDate: '2026-03-09',
    rolledDueAt: null,
    rolledDueDate: null,
    dueClamped: false,
    warnAt: '2026-03-07T23:00:00.000Z',
    basis: 'statute',
    citation: 'Barnets lov\tnetværkssamråd\\',
    citationVerified: false,
    rulePack: { id: 'dk-youth', version: '2026.1' },
    municipality: '461',
    triggeredBy: { type: 'PoliceDocumentationReceived', key: `pol-1@${AT}` },
    fulfilledBy: [],
    cancelledBy: [],
  };
}

/** On PGlite, which has no COPY: the projection's INSERT path and the rule texts it shares between rows. */
describe('obligations projection on PGlite', () => {
  it('keeps the first opening of an obligation and the texts each event carried, across batches', async () => {
    const store = await PgliteEventStore.inMemory();
    try {
      const caseId = crypto.randomUUID();
      const stream = `case-${caseId}`;
      await store.append(stream, [event('CaseOpened', { caseId })]);
      await store.append(stream, [
        event('ObligationOpened', opened('NSR-CONVENE:documentation:pol-1', 'Convene')),
        event('ObligationOpened', opened('NSR-CONVENE:documentation:pol-2', 'Convene, as amended')),
      ]);
      await store.append(stream, [
        event('ObligationOpened', opened('NSR-CONVENE:documentation:pol-1', 'Opened again')),
      ]);
      const db = sharedPgliteReadModels(store.sqlDriver());
      const runner = new ProjectionRunner(obligationsProjection, db, store, { rebuildBatch: 2 });
      await runner.runUntilCaughtUp();

      const { items } = await new ObligationsReadModel(db).list({ municipalities: ['461'] }, null, 10);
      expect(items.map((item) => [item.obligationId, item.title, item.citation, item.rulePack])).toEqual([
        ['NSR-CONVENE:documentation:pol-1', 'Convene', 'Barnets lov\tnetværkssamråd\\', 'dk-youth@2026.1'],
        [
          'NSR-CONVENE:documentation:pol-2',
          'Convene, as amended',
          'Barnets lov\tnetværkssamråd\\',
          'dk-youth@2026.1',
        ],
      ]);
      const summary = await db.query(
        'SELECT open_obligations, revision FROM read_models.case_summaries_g1 WHERE case_id = $1',
        [caseId],
      );
      expect(summary.map((row) => row.map(Number))).toEqual([[2, 3]]);
      const indexes = await db.query(
        `SELECT indexname FROM pg_indexes WHERE schemaname = 'read_models' AND tablename LIKE '%_g1' ORDER BY 1`,
      );
      expect(indexes.map((row) => row[0])).toEqual([
        'case_summaries_g1_municipality',
        'case_summaries_g1_pkey',
        'obligations_g1_pkey',
        'obligations_g1_state',
        'obligations_g1_sweep',
      ]);
    } finally {
      await store.close();
    }
  });

  it('lists and counts a municipality code that is not three digits under that code alone', async () => {
    // Such codes share the index key -1 (municipalityKey); the text beside the key keeps them apart.
    const store = await PgliteEventStore.inMemory();
    try {
      const codes = ['461', 'x12', 'y34', '0461'];
      for (const code of codes) {
        const stream = `case-${crypto.randomUUID()}`;
        await store.append(stream, [
          event('CaseOpened', {}, code),
          event(
            'ObligationOpened',
            { ...opened(`NSR-CONVENE:documentation:${code}`, code), municipality: code },
            code,
          ),
        ]);
      }
      const db = sharedPgliteReadModels(store.sqlDriver());
      await new ProjectionRunner(obligationsProjection, db, store).runUntilCaughtUp();
      const readModel = new ObligationsReadModel(db);
      for (const code of codes) {
        const { items } = await readModel.list({ municipalities: [code] }, null, 10);
        expect({ code, listed: items.map((item) => item.municipality) }).toEqual({ code, listed: [code] });
        const counts = await readModel.summary({ municipalities: [code] });
        expect({ code, counts }).toEqual({
          code,
          counts: [{ municipality: code, ruleId: 'NSR-CONVENE', state: 'open', count: 1 }],
        });
      }
      const { items } = await readModel.list({ municipalities: ['x12', '461'], states: ['open'] }, null, 10);
      expect(items.map((item) => item.municipality).sort()).toEqual(['461', 'x12']);
    } finally {
      await store.close();
    }
  });

  it('gives the sweep each warning and due by `until`, overdue or upcoming, of obligations neither breached nor closed', async () => {
    // now 2026-03-10T12:00Z, until 48 h later. Each obligation: [id, warnAt, dueAt, later events].
    const now = '2026-03-10T12:00:00.000Z';
    const until = '2026-03-12T12:00:00.000Z';
    const cases: [string, string | null, string | null, string[]][] = [
      ['warn-overdue-due-upcoming', '2026-03-10T06:00:00.000Z', '2026-03-11T23:00:00.000Z', []],
      ['warn-upcoming-due-beyond', '2026-03-11T23:00:00.000Z', '2026-03-13T23:00:00.000Z', []],
      ['warned-due-overdue', '2026-03-07T23:00:00.000Z', '2026-03-09T23:00:00.000Z', ['ObligationDueSoon']],
      ['warned-due-beyond', '2026-03-09T23:00:00.000Z', '2026-03-20T23:00:00.000Z', ['ObligationDueSoon']],
      ['no-warning-due-upcoming', null, '2026-03-12T12:00:00.000Z', []],
      ['both-beyond', '2026-03-12T12:00:00.001Z', '2026-03-14T23:00:00.000Z', []],
      ['breached', '2026-03-07T23:00:00.000Z', '2026-03-09T23:00:00.000Z', ['ObligationBreached']],
      ['fulfilled', '2026-03-07T23:00:00.000Z', '2026-03-09T23:00:00.000Z', ['ObligationFulfilled']],
      ['no-instants', null, null, []],
    ];
    const store = await PgliteEventStore.inMemory();
    try {
      const caseId = crypto.randomUUID();
      const stream = `case-${caseId}`;
      await store.append(stream, [event('CaseOpened', { caseId })]);
      for (const [id, warnAt, dueAt, later] of cases) {
        await store.append(stream, [
          event('ObligationOpened', { ...opened(id, id), warnAt, dueAt, strictDueAt: dueAt }),
          ...later.map((type) => event(type, { obligationId: id, detectedAt: now, dueAt, onTime: false })),
        ]);
      }
      const db = sharedPgliteReadModels(store.sqlDriver());
      await new ProjectionRunner(obligationsProjection, db, store).runUntilCaughtUp();
      const { overdue, upcoming } = await new ObligationsReadModel(db).dueChecks(now, until, 100);
      const named = (checks: readonly { obligationId: string; kind: string; at: string }[]) =>
        checks.map((c) => `${c.obligationId} ${c.kind} ${c.at}`).sort();
      expect({ overdue: named(overdue), upcoming: named(upcoming) }).toEqual({
        overdue: [
          'warn-overdue-due-upcoming warn 2026-03-10T06:00:00.000Z',
          'warned-due-overdue due 2026-03-09T23:00:00.000Z',
        ],
        upcoming: [
          'no-warning-due-upcoming due 2026-03-12T12:00:00.000Z',
          'warn-overdue-due-upcoming due 2026-03-11T23:00:00.000Z',
          'warn-upcoming-due-beyond warn 2026-03-11T23:00:00.000Z',
        ],
      });
      // The limit counts obligations, earliest next check first.
      const first = await new ObligationsReadModel(db).dueChecks(now, until, 1);
      expect(named([...first.overdue, ...first.upcoming])).toEqual([
        'warned-due-overdue due 2026-03-09T23:00:00.000Z',
      ]);
    } finally {
      await store.close();
    }
  });
});
