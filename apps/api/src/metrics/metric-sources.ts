import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { AlertsReadModel } from '@fristvagt/alerts';
import { CONFIG, type Config } from '@fristvagt/config';
import { APPEND_GATE_CLASS, EVENT_STORE, type EventStore } from '@fristvagt/event-store';
import { METRICS, type Metrics } from '@fristvagt/metrics';
import {
  ObligationsReadModel,
  OPEN_STATES,
  type Projection,
  projectionStatus,
  type ReadModelDatabase,
  ReadModelNotReady,
} from '@fristvagt/projections';
import { PROJECTIONS, READ_MODEL_DATABASE } from '@fristvagt/read-models';

/**
 * The oldest transaction on the server that holds a transaction id (it wrote, or is writing): it holds back
 * pg_snapshot_xmin, so VACUUM on the whole server, and the log's readers if it is an append (below).
 * Transactions of other users show their start only to a role with pg_read_all_stats (docs/metrics.md).
 */
const XMIN_HORIZON_AGE = `
  SELECT coalesce(extract(epoch FROM clock_timestamp() - min(xact_start)), 0)::float8
    FROM pg_stat_activity
   WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()`;

/**
 * The oldest append still running in this database: a transaction that holds the append gate (migration 2),
 * matched to its backend by pid as the readers' horizon does (libs/event-store/src/sql/sql-event-store.ts).
 * Readers of the global log wait for it and for nothing else.
 */
const OLDEST_APPEND_AGE = `
  SELECT coalesce(extract(epoch FROM clock_timestamp() - min(a.xact_start)), 0)::float8
    FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
   WHERE l.locktype = 'advisory' AND l.classid = ${APPEND_GATE_CLASS} AND l.objid = 0 AND l.objsubid = 2
     AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

/**
 * Points the gauges of Metrics at what they read when scraped: this process's subscriptions always; where the
 * worker runs (role `all` or `worker`), also the read models (projection lag, open obligations, the alert
 * backlog) and, on PostgreSQL, the age of the transaction that holds the log's horizon back. An api process
 * leaves those out, so that a deployment does not report them once per api process as well.
 */
@Injectable()
export class MetricSources implements OnModuleInit {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(METRICS) private readonly metrics: Metrics,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_DATABASE) private readonly db: ReadModelDatabase,
    @Inject(PROJECTIONS) private readonly projections: readonly Projection[],
    private readonly obligations: ObligationsReadModel,
    private readonly alerts: AlertsReadModel,
  ) {}

  onModuleInit(): void {
    const { metrics } = this;
    metrics.setSource('subscriptions', async () => this.store.subscriptions?.() ?? []);
    if (this.config.role === 'api') return;
    metrics.setSource('projections', () =>
      Promise.all(
        this.projections.map(async (projection) => {
          const status = await projectionStatus(this.db, this.store, projection, new Date());
          return {
            projection: status.name,
            lagEvents: status.lagEvents,
            lagSeconds: status.lagSeconds,
            eventsApplied: status.eventsApplied,
          };
        }),
      ),
    );
    metrics.setSource('obligations', async () => {
      const rows = await notReadyAs(
        this.obligations.summary({ municipalities: null, states: [...OPEN_STATES] }),
        [],
      );
      return rows.map((row) => ({
        municipality: row.municipality,
        rule: row.ruleId,
        state: row.state,
        count: row.count,
      }));
    });
    metrics.setSource('alertBacklog', async () => {
      return notReadyAs(this.alerts.backlogAt(Date.now()), undefined);
    });
    if (this.config.eventStore.adapter === 'postgres' && this.db.adapter === 'postgres') {
      metrics.setSource('xminHorizonAge', async () => Number((await this.db.query(XMIN_HORIZON_AGE))[0][0]));
      metrics.setSource('oldestAppendAge', async () =>
        Number((await this.db.query(OLDEST_APPEND_AGE))[0][0]),
      );
    }
  }
}

/** Until the read model's first generation is built there is nothing to count: no samples, no error. */
async function notReadyAs<T, F>(query: Promise<T>, fallback: F): Promise<T | F> {
  try {
    return await query;
  } catch (error) {
    if (error instanceof ReadModelNotReady) return fallback;
    throw error;
  }
}
