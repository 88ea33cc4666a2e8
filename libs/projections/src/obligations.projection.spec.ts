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
        'obligations_g1_sweep_due',
        'obligations_g1_sweep_warn',
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
});
