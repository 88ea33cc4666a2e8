import { LiveReadModel } from './live-tables';
import { municipalityScope, obligationsProjection } from './obligations.projection';
import type { ReadModelDatabase } from './read-model-database';

/** Where legal dates and months are counted (DOMAIN.md, "Time"). */
const ZONE = `'Europe/Copenhagen'`;

/** A bin of days from a police notification to the convocation of the network council, as seed 003 publishes them (Figur 4). */
export interface ConvocationBin {
  readonly label: string;
  readonly minDays: number;
  /** Inclusive; null: no upper bound. */
  readonly maxDays: number | null;
}

/**
 * Seed 003's bins: 0 is the day of receipt, and "within 7 days" ends with day 7 (the counting starts the day
 * after receipt, lines 1135-1136), so the first bin is the one the deadline allows.
 */
export const CONVOCATION_BINS: readonly ConvocationBin[] = [
  { label: '0-7', minDays: 0, maxDays: 7 },
  { label: '8-14', minDays: 8, maxDays: 14 },
  { label: '15-21', minDays: 15, maxDays: 21 },
  { label: '22-28', minDays: 22, maxDays: 28 },
  { label: '29-35', minDays: 29, maxDays: 35 },
  { label: 'over 35', minDays: 36, maxDays: null },
];

/** The rule whose fulfilment is the convocation. */
export const CONVENE_RULE_ID = 'NSR-CONVENE';

export interface ComplianceFilter {
  /** The caller's scope (or the municipalities asked for within it). Null: every municipality. */
  readonly municipalities: readonly string[] | null;
  /** Copenhagen months, `YYYY-MM`, inclusive. */
  readonly from: string;
  readonly to: string;
  readonly ruleId?: string;
  /** ISO instant: an open obligation due at or before it counts as breached, whether or not the sweep has marked it yet. */
  readonly now: string;
}

/** How the obligations of one rule that fell due in one Copenhagen month stand. */
export interface ComplianceMonthRow {
  readonly ruleId: string;
  /** `YYYY-MM`, Copenhagen. */
  readonly month: string;
  readonly due: number;
  readonly fulfilledOnTime: number;
  readonly fulfilledLate: number;
  /** Open, and past its due (marked breached, or due at or before `now`). */
  readonly breachedOpen: number;
  /** Open, and not yet due. */
  readonly openNotDue: number;
  readonly waived: number;
  readonly cancelled: number;
  /** The municipalities these obligations belong to (now, after any transfer). */
  readonly municipalities: readonly string[];
}

export interface ConvocationDistribution {
  /** Convened (NSR-CONVENE fulfilled), by whole Copenhagen days from receipt to convocation, per CONVOCATION_BINS. */
  readonly counts: readonly number[];
  /** Still open, breached or not. */
  readonly notConvened: number;
  readonly cancelled: number;
  readonly waived: number;
  readonly municipalities: readonly string[];
}

/** The first instant of Copenhagen month `$n` (`YYYY-MM`). */
const monthStart = (n: number) => `(($${n}::text || '-01')::timestamp AT TIME ZONE ${ZONE})`;
/** The first instant of the Copenhagen month after month `$n`. */
const monthEnd = (n: number) =>
  `((($${n}::text || '-01')::date + interval '1 month')::timestamp AT TIME ZONE ${ZONE})`;
const localDate = (column: string) => `(${column} AT TIME ZONE ${ZONE})::date`;

/**
 * The compliance figures of the supervisors' dashboard, counted in SQL over the obligations read model (always
 * the generation this version built, as ObligationsReadModel). Relies on what the projection keeps of an
 * obligation: `opened_at` is the occurredAt of the fact that opened it (for NSR-CONVENE the receipt of the
 * police documentation), `closed_at` the occurredAt of the fact that closed it (for a fulfilled NSR-CONVENE
 * the convocation), `due_at` the effective due instant.
 */
export class ComplianceReadModel extends LiveReadModel {
  constructor(db: ReadModelDatabase) {
    super(db, obligationsProjection);
  }

  /**
   * Per rule and Copenhagen month of the due instant, within [from, to]: how the obligations that fell due
   * stand. Obligations without a due are left out; only (rule, month) pairs with any obligation are returned,
   * ordered by rule and month.
   */
  async months(filter: ComplianceFilter): Promise<ComplianceMonthRow[]> {
    const params: unknown[] = [filter.from, filter.to, filter.now];
    const where = [`due_at >= ${monthStart(1)}`, `due_at < ${monthEnd(2)}`, ...scope(filter, params)];
    if (filter.ruleId !== undefined) {
      params.push(filter.ruleId);
      where.push(`rule_id = $${params.length}`);
    }
    const rows = await this.live.run((tables) =>
      this.db.query(
        `SELECT rule_id,
                to_char(date_trunc('month', due_at AT TIME ZONE ${ZONE}), 'YYYY-MM') AS month,
                count(*),
                count(*) FILTER (WHERE status = 'fulfilled' AND on_time IS NOT FALSE),
                count(*) FILTER (WHERE status = 'fulfilled' AND on_time IS FALSE),
                count(*) FILTER (WHERE status = 'open' AND (breached OR due_at <= $3::timestamptz)),
                count(*) FILTER (WHERE status = 'open' AND NOT breached AND due_at > $3::timestamptz),
                count(*) FILTER (WHERE status = 'waived'),
                count(*) FILTER (WHERE status = 'cancelled'),
                array_agg(DISTINCT municipality)
           FROM ${tables.obligations}
          WHERE ${where.join(' AND ')}
          GROUP BY 1, 2
          ORDER BY 1, 2`,
        params,
      ),
    );
    return rows.map((r) => ({
      ruleId: String(r[0]),
      month: String(r[1]),
      due: Number(r[2]),
      fulfilledOnTime: Number(r[3]),
      fulfilledLate: Number(r[4]),
      breachedOpen: Number(r[5]),
      openNotDue: Number(r[6]),
      waived: Number(r[7]),
      cancelled: Number(r[8]),
      municipalities: textArray(r[9]),
    }));
  }

  /**
   * NSR-CONVENE obligations opened by a notification received in [from, to] (Copenhagen months): the days from
   * the local date of receipt to the local date of convocation, binned; and how many were not convened.
   */
  async convocations(filter: Omit<ComplianceFilter, 'ruleId' | 'now'>): Promise<ConvocationDistribution> {
    const params: unknown[] = [filter.from, filter.to, CONVENE_RULE_ID];
    const where = [
      `rule_id = $3`,
      `opened_at >= ${monthStart(1)}`,
      `opened_at < ${monthEnd(2)}`,
      ...scope(filter, params),
    ];
    // The bounds are this module's constants, not input. The first bin has no lower bound: a council convened
    // before the notification arrived (a meeting already called, converted, seed 003 lines 1154-1156) was in time.
    const bins = CONVOCATION_BINS.map(({ minDays, maxDays }, i) => {
      const bounds = [
        ...(i === 0 ? [] : [`days >= ${minDays}`]),
        ...(maxDays === null ? [] : [`days <= ${maxDays}`]),
      ];
      return `count(*) FILTER (WHERE ${bounds.join(' AND ')})`;
    });
    const [row] = await this.live.run((tables) =>
      this.db.query(
        `SELECT ${bins.join(', ')},
                count(*) FILTER (WHERE status = 'open'),
                count(*) FILTER (WHERE status = 'cancelled'),
                count(*) FILTER (WHERE status = 'waived'),
                coalesce(array_agg(DISTINCT municipality), '{}')
           FROM (SELECT status, municipality,
                        CASE WHEN status = 'fulfilled' THEN ${localDate('closed_at')} - ${localDate('opened_at')} END
                          AS days
                   FROM ${tables.obligations}
                  WHERE ${where.join(' AND ')}) AS convene`,
        params,
      ),
    );
    const n = CONVOCATION_BINS.length;
    return {
      counts: row.slice(0, n).map(Number),
      notConvened: Number(row[n]),
      cancelled: Number(row[n + 1]),
      waived: Number(row[n + 2]),
      municipalities: textArray(row[n + 3]),
    };
  }
}

function scope(filter: Pick<ComplianceFilter, 'municipalities'>, params: unknown[]): string[] {
  return filter.municipalities === null ? [] : municipalityScope(filter.municipalities, params, '');
}

/** A text[] as the drivers return it: node-postgres and PGlite both parse it into an array. */
function textArray(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String).sort() : [];
}
