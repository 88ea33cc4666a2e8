import { LiveReadModel } from './live-tables';
import {
  OBLIGATION_STATES,
  type ObligationReadState,
  obligationsProjection,
  municipalityKey,
  municipalityScope,
  NEXT_CHECK_AT,
  OPEN_STATES,
  stateKey,
  SWEEP_ROWS,
} from './obligations.projection';
import type { TableNames } from './projection';
import type { ReadModelDatabase } from './read-model-database';
import { ruleTextsTable } from './rule-texts';

export interface ObligationRow {
  readonly caseId: string;
  readonly obligationId: string;
  readonly municipality: string;
  readonly ruleId: string;
  readonly variant: string;
  readonly title: string;
  readonly subject: { readonly kind: string; readonly id: string };
  readonly basis: string;
  readonly citation: string;
  readonly rulePack: string;
  readonly triggeredBy: string;
  readonly openedAt: string;
  readonly dueAt: string | null;
  readonly dueDate: string | null;
  readonly strictDueAt: string | null;
  readonly rolledDueAt: string | null;
  readonly warnAt: string | null;
  readonly state: ObligationReadState;
  readonly warnDetectedAt: string | null;
  readonly breachDetectedAt: string | null;
  readonly closedAt: string | null;
  readonly onTime: boolean | null;
  readonly fulfilledLate: boolean;
}

export interface ObligationFilter {
  /** Always given: the caller's scope (or the one municipality asked for within it). Null: every municipality. */
  readonly municipalities: readonly string[] | null;
  readonly ruleIds?: readonly string[];
  readonly states?: readonly ObligationReadState[];
  /** Inclusive bounds on the due instant (ISO). */
  readonly dueAfter?: string;
  readonly dueBefore?: string;
  readonly caseId?: string;
}

/** Keyset cursor: the sort key of the last row of the previous page. */
export interface ObligationCursor {
  readonly dueSort: string;
  readonly caseId: string;
  readonly obligationId: string;
}

export interface ObligationPage {
  readonly items: readonly ObligationRow[];
  readonly next: ObligationCursor | null;
}

export interface SummaryRow {
  readonly municipality: string;
  readonly ruleId: string;
  readonly state: ObligationReadState;
  readonly count: number;
}

/** A wake-up the sweep found: an obligation to check now, or at a later instant within the horizon. */
export interface DueCheck {
  readonly caseId: string;
  readonly obligationId: string;
  readonly kind: 'warn' | 'due';
  readonly at: string;
}

/** The most index ranges one list page reads (municipalities in scope × states); see list. */
const RANGES_AT_MOST = 64;

const ISO = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** An obligation (`o`) with its rule's texts (`r`, see `rule_texts`). */
const COLUMNS = [
  'o.case_id',
  'o.obligation_id',
  'o.municipality',
  'o.rule_id',
  'r.variant',
  'r.title',
  'o.subject_kind',
  'o.subject_id',
  'r.basis',
  'r.citation',
  'r.rule_pack',
  'o.triggered_by',
  ISO('o.opened_at'),
  ISO('o.due_at'),
  `to_char(o.due_date, 'YYYY-MM-DD')`,
  ISO('o.strict_due_at'),
  ISO('o.rolled_due_at'),
  ISO('o.warn_at'),
  'o.state',
  ISO('o.warn_detected_at'),
  ISO('o.breach_detected_at'),
  ISO('o.closed_at'),
  'o.on_time',
  'o.fulfilled_late',
  // to_char gives null for 'infinity' (no due), which the cursor must carry back as 'infinity'.
  `coalesce(to_char(o.due_sort AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'infinity')`,
].join(', ');

/**
 * Queries over the obligations read model, always on the generation that this version of the code built
 * (see ProjectionRunner); the answer says how far that generation has read the log.
 */
export class ObligationsReadModel extends LiveReadModel {
  constructor(db: ReadModelDatabase) {
    super(db, obligationsProjection);
  }

  /** The tables of the live generation (see LiveTables). */
  tables(): Promise<{ tables: TableNames; generation: number }> {
    return this.live.tables();
  }

  private onLiveTables<T>(run: (tables: TableNames) => Promise<T>): Promise<T> {
    return this.live.run(run);
  }

  /**
   * One page, sorted by due instant. The only list index is (municipality_key, state_key, due, case, obligation),
   * so the page is read as one ordered range per municipality in scope and state asked for (all six when none
   * is), each at most a page long, and the ranges merged: an index range is ordered by due only where the columns
   * before it are fixed, and with `municipality = ANY(...)` PostgreSQL sorted every matching row for each page
   * (430 ms at a million rows in one municipality, a few ms by ranges). A wider scope (all municipalities for an
   * admin, or more municipalities than RANGES_AT_MOST allows) is read the same way from one statement: the
   * municipality keys (those of the scope, or for all municipalities the table's own, found by skipping through
   * the index, one descent per key) times the states, each range read by a LATERAL subquery at most a page
   * long; a sort of every matching row took 740 ms per page at a million rows, this 1-2 ms. A filter by case
   * keeps the sort: the primary key finds the case's few rows at once.
   */
  async list(
    filter: ObligationFilter,
    cursor: ObligationCursor | null,
    limit: number,
  ): Promise<ObligationPage> {
    const params: unknown[] = [];
    const states = [
      ...new Set(filter.states !== undefined && filter.states.length > 0 ? filter.states : OBLIGATION_STATES),
    ];
    const byMunicipality =
      filter.municipalities !== null && filter.municipalities.length * states.length <= RANGES_AT_MOST;
    const where = this.where(
      { ...filter, states: undefined, municipalities: byMunicipality ? null : filter.municipalities },
      params,
    );
    if (cursor !== null) {
      params.push(cursor.dueSort, cursor.caseId, cursor.obligationId);
      const n = params.length;
      where.push(`(o.due_sort, o.case_id, o.obligation_id) > ($${n - 2}::timestamptz, $${n - 1}, $${n})`);
    }
    params.push(limit + 1);
    const page = `$${params.length}`;
    if (!byMunicipality && filter.caseId === undefined) {
      return this.pageOf(await this.listWide(filter, where, states, params, page), limit);
    }
    const scopes = byMunicipality
      ? [...new Set(filter.municipalities)].map((code) => municipalityScope([code], params))
      : [[]];
    const conditions = scopes.flatMap((scope) =>
      states.map((state) => [...where, ...scope, `o.state_key = ${stateKey(state)}`].join(' AND ')),
    );
    const rows = await this.onLiveTables((tables) => {
      const ranges = conditions.map(
        (condition) => `(SELECT * FROM ${tables.obligations} o WHERE ${condition}
          ORDER BY o.due_sort, o.case_id, o.obligation_id LIMIT ${page})`,
      );
      return this.db.query(
        `SELECT ${COLUMNS} FROM (${ranges.join(' UNION ALL ')}) o
        JOIN ${ruleTextsTable(tables)} r ON r.rule_text = o.rule_text
        ORDER BY o.due_sort, o.case_id, o.obligation_id
        LIMIT ${page}`,
        params,
      );
    });
    return this.pageOf(rows, limit);
  }

  /**
   * `list` for a scope wider than its ranges (see there): the ranges are the scope's municipality keys (for all
   * municipalities, the distinct keys in the table, read from the list index's leading column one descent at a
   * time) times the states asked for, each read in due order by a LATERAL subquery. `where` holds the scope's
   * own conditions (and the cursor), so a key shared by several codes (-1, every code not of three digits)
   * returns only the codes in scope.
   */
  private listWide(
    filter: ObligationFilter,
    where: readonly string[],
    states: readonly ObligationReadState[],
    params: unknown[],
    page: string,
  ): Promise<unknown[][]> {
    params.push(states.map((state) => stateKey(state)));
    const stateKeys = `$${params.length}::smallint[]`;
    let scopeKeys: string | null = null;
    if (filter.municipalities !== null) {
      params.push([...new Set(filter.municipalities.map(municipalityKey))]);
      scopeKeys = `$${params.length}::smallint[]`;
    }
    return this.onLiveTables((tables) => {
      const t = tables.obligations;
      const keysCte =
        scopeKeys === null
          ? `(SELECT o.municipality_key FROM ${t} o ORDER BY o.municipality_key LIMIT 1)
             UNION ALL
             SELECT (SELECT o.municipality_key FROM ${t} o WHERE o.municipality_key > keys.k
                     ORDER BY o.municipality_key LIMIT 1)
             FROM keys WHERE keys.k IS NOT NULL`
          : `SELECT DISTINCT unnest(${scopeKeys})`;
      return this.db.query(
        `WITH RECURSIVE keys(k) AS (${keysCte})
        SELECT ${COLUMNS} FROM keys CROSS JOIN unnest(${stateKeys}) AS s(state_key)
          CROSS JOIN LATERAL (
            SELECT * FROM ${t} o
            WHERE ${['o.municipality_key = keys.k', 'o.state_key = s.state_key', ...where].join(' AND ')}
            ORDER BY o.due_sort, o.case_id, o.obligation_id LIMIT ${page}) o
          JOIN ${ruleTextsTable(tables)} r ON r.rule_text = o.rule_text
        ORDER BY o.due_sort, o.case_id, o.obligation_id
        LIMIT ${page}`,
        params,
      );
    });
  }

  /** The first `limit` rows, and the cursor after them when there is a row more. */
  private pageOf(rows: unknown[][], limit: number): ObligationPage {
    const items = rows.slice(0, limit).map(toRow);
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return {
      items: items.map((item) => item.row),
      next:
        last === undefined
          ? null
          : { dueSort: String(last[24]), caseId: String(last[0]), obligationId: String(last[1]) },
    };
  }

  async summary(filter: ObligationFilter): Promise<SummaryRow[]> {
    const params: unknown[] = [];
    const where = this.where(filter, params);
    const rows = await this.onLiveTables((tables) =>
      this.db.query(
        `SELECT o.municipality, o.rule_id, o.state, count(*) FROM ${tables.obligations} o
        ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        GROUP BY o.municipality, o.rule_id, o.state ORDER BY o.municipality, o.rule_id, o.state`,
        params,
      ),
    );
    return rows.map(([municipality, ruleId, state, count]) => ({
      municipality: String(municipality),
      ruleId: String(ruleId),
      state: state as ObligationReadState,
      count: Number(count),
    }));
  }

  /**
   * What the sweep must do at `now`: every open obligation whose due (or warning) instant has passed and is
   * not yet marked (`overdue`, checked at once), and every instant in (now, until] (`upcoming`, scheduled).
   * One range of the sweep index (NEXT_CHECK_AT), which holds only the open obligations not yet breached: a row
   * is in it when its next check is due by `until`, and gives its warning and its due if each is. At most
   * `limit` obligations, the earliest first.
   */
  async dueChecks(
    now: string,
    until: string,
    limit: number,
  ): Promise<{ overdue: DueCheck[]; upcoming: DueCheck[] }> {
    const rows = await this.onLiveTables((tables) =>
      this.db.query(
        `SELECT case_id, obligation_id, ${ISO('CASE WHEN NOT warned THEN warn_at END')}, ${ISO('due_at')}
           FROM ${tables.obligations}
          WHERE ${SWEEP_ROWS} AND ${NEXT_CHECK_AT} <= $1::timestamptz
          ORDER BY ${NEXT_CHECK_AT} LIMIT $2`,
        [until, limit],
      ),
    );
    const overdue: DueCheck[] = [];
    const upcoming: DueCheck[] = [];
    const nowMs = Date.parse(now);
    const untilMs = Date.parse(until);
    for (const [caseId, obligationId, warnAt, dueAt] of rows) {
      for (const [kind, at] of [
        ['warn', warnAt],
        ['due', dueAt],
      ] as const) {
        const atMs = at === null ? Infinity : Date.parse(String(at));
        if (atMs > untilMs) continue;
        const check = { caseId: String(caseId), obligationId: String(obligationId), kind, at: String(at) };
        (atMs <= nowMs ? overdue : upcoming).push(check);
      }
    }
    return { overdue, upcoming };
  }

  private where(filter: ObligationFilter, params: unknown[]): string[] {
    const where: string[] = [];
    const add = (sql: (n: number) => string, value: unknown) => {
      params.push(value);
      where.push(sql(params.length));
    };
    if (filter.municipalities !== null) where.push(...municipalityScope(filter.municipalities, params));
    if (filter.ruleIds !== undefined && filter.ruleIds.length > 0)
      add((n) => `o.rule_id = ANY($${n}::text[])`, [...filter.ruleIds]);
    if (filter.states !== undefined && filter.states.length > 0)
      add((n) => `o.state = ANY($${n}::text[])`, [...filter.states]);
    if (filter.dueAfter !== undefined) add((n) => `o.due_at >= $${n}::timestamptz`, filter.dueAfter);
    if (filter.dueBefore !== undefined) add((n) => `o.due_at <= $${n}::timestamptz`, filter.dueBefore);
    if (filter.caseId !== undefined) add((n) => `o.case_id = $${n}`, filter.caseId);
    return where;
  }
}

function toRow(r: unknown[]): { row: ObligationRow } {
  const s = (i: number) => (r[i] === null ? null : String(r[i]));
  return {
    row: {
      caseId: String(r[0]),
      obligationId: String(r[1]),
      municipality: String(r[2]),
      ruleId: String(r[3]),
      variant: String(r[4]),
      title: String(r[5]),
      subject: { kind: String(r[6]), id: String(r[7]) },
      basis: String(r[8]),
      citation: String(r[9]),
      rulePack: String(r[10]),
      triggeredBy: String(r[11]),
      openedAt: String(r[12]),
      dueAt: s(13),
      dueDate: s(14),
      strictDueAt: s(15),
      rolledDueAt: s(16),
      warnAt: s(17),
      state: r[18] as ObligationReadState,
      warnDetectedAt: s(19),
      breachDetectedAt: s(20),
      closedAt: s(21),
      onTime: r[22] === null ? null : r[22] === true,
      fulfilledLate: r[23] === true,
    },
  };
}

export { OPEN_STATES };
