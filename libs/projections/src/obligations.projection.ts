import {
  compareInstants,
  type CaseTransferred,
  type ObligationBreached,
  type ObligationCancelled,
  type ObligationDueSoon,
  type ObligationFulfilled,
  type ObligationOpened,
  type ObligationWaived,
} from '@fristvagt/domain';
import type { RecordedEvent, SqlTransaction } from '@fristvagt/event-store';
import { copyLine } from './copy-text';
import { BatchRuleTexts, RULE_TEXTS_DDL, type RuleTextEntry, ruleTextsTable } from './rule-texts';
import {
  bareName,
  type Projection,
  type ProjectionBatch,
  type ReadModelTransaction,
  type TableNames,
} from './projection';

/** States of an obligation as the read model shows it; the first three are the open ones. */
export const OBLIGATION_STATES = [
  'open',
  'due-soon',
  'breached',
  'fulfilled',
  'cancelled',
  'waived',
] as const;
export type ObligationReadState = (typeof OBLIGATION_STATES)[number];
export const OPEN_STATES: readonly ObligationReadState[] = ['open', 'due-soon', 'breached'];

/**
 * The list index's first two columns are numbers, not the texts the answers show: `municipality_key` (the
 * kommunekode as a number) and `state_key` (the state's place in OBLIGATION_STATES). An index build compares
 * its keys column by column, and behind a text column it must walk each tuple to find the next one: with the
 * texts first, the index took 3.3-4.0 s to build at a million rows, with the numbers 2.3-2.8 s, and the
 * switch-over that builds it overlaps nothing (docs/benchmarks.md, seventh round). A query gives the key beside
 * the text it stands for (municipalityScope), so a code that is not three digits (key -1) still matches only
 * itself.
 */
export function stateKey(state: ObligationReadState): number {
  return OBLIGATION_STATES.indexOf(state);
}

/** A kommunekode's `municipality_key`: its number; -1 for anything that is not three digits. */
export function municipalityKey(code: string): number {
  return /^[0-9]{3}$/.test(code) ? Number(code) : -1;
}

/**
 * `municipality = ANY(codes)` for the obligations table, with the key condition the list index needs. One code
 * is compared with `=`: an index range is then read in due order (ObligationsReadModel.list).
 */
export function municipalityScope(codes: readonly string[], params: unknown[], alias = 'o.'): string[] {
  const one = codes.length === 1;
  params.push(one ? municipalityKey(codes[0]!) : codes.map(municipalityKey), one ? codes[0] : [...codes]);
  const n = params.length;
  return one
    ? [`${alias}municipality_key = $${n - 1}::smallint`, `${alias}municipality = $${n}::text`]
    : [`${alias}municipality_key = ANY($${n - 1}::smallint[])`, `${alias}municipality = ANY($${n}::text[])`];
}

const MUNICIPALITY_KEY_SQL = `CASE WHEN municipality ~ '^[0-9]{3}$' THEN municipality::smallint ELSE -1 END`;
/** `state` as its number (stateKey); a generated column cannot read another, so this repeats its CASE. */
const STATE_KEY_SQL = `CASE status WHEN 'open' THEN (CASE WHEN breached THEN ${stateKey('breached')}
    WHEN warned THEN ${stateKey('due-soon')} ELSE ${stateKey('open')} END)
  WHEN 'fulfilled' THEN ${stateKey('fulfilled')} WHEN 'cancelled' THEN ${stateKey('cancelled')}
  WHEN 'waived' THEN ${stateKey('waived')} ELSE -1 END`;

/**
 * The sweep's one index (`<obligations>_sweep`): every open obligation not yet breached, by the instant it is
 * next to be checked at, its warning until it is warned, then its due (the earlier of the two, should a
 * warning ever fall after the due). One index instead of one for dues and one for warnings: the switch-over
 * builds each index from a scan of the whole table, about 0.65 s at a million rows, and nothing overlaps it.
 * ObligationsReadModel.dueChecks queries with these very texts, which is how PostgreSQL matches the index.
 */
export const SWEEP_ROWS = `status = 'open' AND NOT breached`;
export const NEXT_CHECK_AT = `least(CASE WHEN NOT warned THEN warn_at END, due_at)`;

const CASE_STREAM_PREFIX = 'case-';

/**
 * The deadlines read model: every obligation of every case with its due instants and state, for the
 * supervisors' queries and for the sweep that wakes the deadlines; and one summary row per case.
 *
 * `state` is derived in the table from monotonic facts: an obligation is closed at most once (status), warned
 * at most once, breached at most once. So each batch is applied as a few set-based statements (insert the
 * opened, merge the rest), whatever order the batch's events touch the rows in.
 */
export const obligationsProjection: Projection = {
  name: 'obligations',
  // 2: the rule's texts (variant, title, basis, citation, rule pack) in `rule_texts`, referred to by number.
  // 3: per-case counts kept by every batch (none left to the switch-over); no `list` index (see
  // ObligationsReadModel.list).
  // 4: the list index on numbers (municipality_key, state_key) instead of texts, see stateKey; one sweep index
  // (NEXT_CHECK_AT) instead of two.
  version: 4,
  tables: ['obligations', 'case_summaries'],

  async setup(tx: SqlTransaction, t: TableNames): Promise<void> {
    await tx.exec(`${RULE_TEXTS_DDL(ruleTextsTable(t))}
CREATE TABLE ${t.obligations} (
  case_id            text        NOT NULL,
  obligation_id      text        NOT NULL,
  municipality       text        NOT NULL,
  rule_id            text        NOT NULL,
  rule_text          integer     NOT NULL,
  subject_kind       text        NOT NULL,
  subject_id         text        NOT NULL,
  triggered_by       text        NOT NULL,
  opened_at          timestamptz NOT NULL,
  opened_recorded_at timestamptz NOT NULL,
  due_at             timestamptz,
  due_date           date,
  strict_due_at      timestamptz,
  rolled_due_at      timestamptz,
  warn_at            timestamptz,
  status             text        NOT NULL DEFAULT 'open',
  warned             boolean     NOT NULL DEFAULT false,
  warn_detected_at   timestamptz,
  breached           boolean     NOT NULL DEFAULT false,
  breach_detected_at timestamptz,
  closed_at          timestamptz,
  closed_recorded_at timestamptz,
  on_time            boolean,
  closed_reason      text,
  state              text        GENERATED ALWAYS AS (CASE WHEN status <> 'open' THEN status WHEN breached THEN 'breached'
                                   WHEN warned THEN 'due-soon' ELSE 'open' END) STORED,
  fulfilled_late     boolean     GENERATED ALWAYS AS (status = 'fulfilled' AND on_time IS FALSE) STORED,
  due_sort           timestamptz GENERATED ALWAYS AS (coalesce(due_at, 'infinity'::timestamptz)) STORED,
  municipality_key   smallint    GENERATED ALWAYS AS (${MUNICIPALITY_KEY_SQL}) STORED,
  state_key          smallint    GENERATED ALWAYS AS (${STATE_KEY_SQL}) STORED,
  PRIMARY KEY (case_id, obligation_id)
);
CREATE TABLE ${t.case_summaries} (
  case_id              text        PRIMARY KEY,
  municipality         text        NOT NULL,
  opened_at            timestamptz NOT NULL,
  opened_recorded_at   timestamptz NOT NULL,
  revision             bigint      NOT NULL,
  last_event_type      text        NOT NULL,
  last_occurred_at     timestamptz NOT NULL,
  last_recorded_at     timestamptz NOT NULL,
  open_obligations     integer     NOT NULL DEFAULT 0,
  breached_obligations integer     NOT NULL DEFAULT 0,
  next_due_at          timestamptz
);
`);
  },

  /**
   * The queries' indexes, as `apply` finds rows by primary key only. Nothing else: the switch-over that runs
   * this overlaps nothing, so what can be done batch by batch is (the per-case counts, see Batch.write).
   * One list index, by municipality and state: a list page reads one ordered range per municipality and state
   * (ObligationsReadModel.list), so a second index without the state would only cost its build and upkeep.
   * Then statistics, from a small sample (3,000 rows, 0.1 s at a million): a generation switched to without any
   * is taken for nearly empty until autovacuum reaches it, and PostgreSQL then read a list page by sorting the
   * whole municipality (1.7 s at a million rows) instead of reading the index's first rows (2 ms).
   */
  async finish(tx: SqlTransaction, t: TableNames): Promise<void> {
    const o = bareName(t.obligations);
    const c = bareName(t.case_summaries);
    await tx.exec(`
CREATE INDEX IF NOT EXISTS ${o}_state ON ${t.obligations} (municipality_key, state_key, due_sort, case_id, obligation_id);
CREATE INDEX IF NOT EXISTS ${o}_sweep ON ${t.obligations} ((${NEXT_CHECK_AT})) WHERE ${SWEEP_ROWS};
CREATE INDEX IF NOT EXISTS ${c}_municipality ON ${t.case_summaries} (municipality, case_id);
SET LOCAL default_statistics_target = 10;
ANALYZE ${t.obligations};
ANALYZE ${t.case_summaries};
`);
  },

  /** The same in both modes: a build leaves only the query indexes to `finish`. */
  async apply(tx: ReadModelTransaction, events: readonly RecordedEvent[], t: TableNames): Promise<void> {
    const batch = obligationsBatch(t);
    for (const event of events) batch.add(event);
    await batch.write(tx);
  },

  begin: (t: TableNames) => obligationsBatch(t),
};

/** A batch keeps a few fields of each event, never the event: see OpenedRow. */
function obligationsBatch(t: TableNames): ProjectionBatch {
  const batch = new Batch();
  return {
    add: (event) => {
      if (event.streamName.startsWith(CASE_STREAM_PREFIX)) batch.add(event);
    },
    write: (tx) => batch.write(tx, t),
  };
}

/**
 * A case's counts over its obligations (`o`), as `case_summaries` holds them (and Batch.wholeCaseCounts computes
 * them for a case whose history is all in one batch). A case without any counts 0.
 */
const CASE_COUNTS = `count(*) FILTER (WHERE o.status = 'open') AS open,
       count(*) FILTER (WHERE o.status = 'open' AND o.breached) AS breached,
       min(o.due_at) FILTER (WHERE o.status = 'open' AND NOT o.breached) AS next_due`;

/** The columns an ObligationOpened fills, in the order of `openedFields`. */
const OPENED_COLUMNS = `case_id, obligation_id, municipality, rule_id, rule_text, subject_kind, subject_id, triggered_by,
  opened_at, opened_recorded_at, due_at, due_date, strict_due_at, rolled_due_at, warn_at`;

function openedFields(r: OpenedRow): unknown[] {
  return [
    r.caseId,
    r.obligationId,
    r.municipality,
    r.ruleId,
    r.rule.ref,
    r.subjectKind,
    r.subjectId,
    r.triggeredBy,
    r.openedAt,
    r.openedRecordedAt,
    r.dueAt,
    r.dueDate,
    r.strictDueAt,
    r.rolledDueAt,
    r.warnAt,
  ];
}

/**
 * What an ObligationOpened puts in its row: the fields, not the event's data. A batch lives while the one
 * before it is written and across garbage collections; holding each parsed event until the commit made a
 * rebuild's client copy every batch in each young-generation collection (docs/benchmarks.md, sixth round).
 */
interface OpenedRow {
  readonly caseId: string;
  readonly obligationId: string;
  municipality: string;
  readonly ruleId: string;
  readonly rule: RuleTextEntry;
  readonly subjectKind: string;
  readonly subjectId: string;
  readonly triggeredBy: string;
  readonly openedAt: string;
  readonly openedRecordedAt: string;
  readonly dueAt: string | null;
  readonly dueDate: string | null;
  readonly strictDueAt: string | null;
  readonly rolledDueAt: string | null;
  readonly warnAt: string | null;
}

/** What later events say about an obligation; merged so that the first warning, breach and closing win. */
interface Patch {
  warnDetectedAt: string | null;
  breachDetectedAt: string | null;
  status: 'fulfilled' | 'cancelled' | 'waived' | null;
  closedAt: string | null;
  closedRecordedAt: string | null;
  onTime: boolean | null;
  reason: string | null;
}

interface CaseCounts {
  open: number;
  breached: number;
  nextDue: string | null;
}

interface CaseTouch {
  opened: { municipality: string; openedAt: string; recordedAt: string } | null;
  /** The batch holds the case's whole history (its first event is revision 0): its counts are computed here. */
  whole: boolean;
  /** The batch opens or changes obligations of the case: its counts change. */
  obligations: boolean;
  revision: bigint;
  lastType: string;
  lastOccurredAt: string;
  lastRecordedAt: string;
}

class Batch {
  private readonly opened = new Map<string, OpenedRow>();
  private readonly patches = new Map<string, Patch>();
  private readonly transfers = new Map<string, string>();
  private readonly cases = new Map<string, CaseTouch>();
  /**
   * The stream of the event added last, its case id and its entry in `cases`: a case's events come one append
   * after another (a CaseOpened and ten ObligationOpened in the benchmark's log), so most events find their
   * case here rather than by slicing the stream name and looking it up (docs/benchmarks.md, eighth round).
   */
  private lastStream = '';
  private lastCaseId = '';
  private lastTouch: CaseTouch | undefined;
  private readonly ruleTexts = new BatchRuleTexts();

  add(event: RecordedEvent): void {
    const same = event.streamName === this.lastStream;
    const caseId = same ? this.lastCaseId : event.streamName.slice(CASE_STREAM_PREFIX.length);
    const { occurredAt, recordedAt } = event.metadata;
    const opened =
      event.type === 'CaseOpened'
        ? { municipality: event.metadata.municipality, openedAt: occurredAt, recordedAt }
        : null;
    let touch = same ? this.lastTouch : this.cases.get(caseId);
    if (touch === undefined) {
      touch = {
        opened,
        whole: event.revision === 0n,
        obligations: false,
        revision: event.revision,
        lastType: event.type,
        lastOccurredAt: occurredAt,
        lastRecordedAt: recordedAt,
      };
      this.cases.set(caseId, touch);
    } else {
      touch.opened ??= opened;
      touch.revision = event.revision;
      touch.lastType = event.type;
      touch.lastOccurredAt = occurredAt;
      touch.lastRecordedAt = recordedAt;
    }
    this.lastStream = event.streamName;
    this.lastCaseId = caseId;
    this.lastTouch = touch;
    if (event.type.startsWith('Obligation')) touch.obligations = true;
    switch (event.type) {
      case 'ObligationOpened': {
        const data = event.data as ObligationOpened['data'];
        const key = keyOf(caseId, data.obligationId);
        if (!this.opened.has(key)) {
          this.opened.set(key, {
            caseId,
            obligationId: data.obligationId,
            municipality: this.transfers.get(caseId) ?? (data.municipality || event.metadata.municipality),
            ruleId: data.ruleId,
            rule: this.ruleTexts.of(data),
            subjectKind: data.subject.kind,
            subjectId: data.subject.id,
            triggeredBy: data.triggeredBy.type,
            openedAt: occurredAt,
            openedRecordedAt: recordedAt,
            dueAt: data.dueAt,
            dueDate: data.dueDate,
            strictDueAt: data.strictDueAt,
            rolledDueAt: data.rolledDueAt,
            warnAt: data.warnAt,
          });
        }
        break;
      }
      case 'ObligationDueSoon': {
        const data = event.data as ObligationDueSoon['data'];
        const patch = this.patch(caseId, data.obligationId);
        patch.warnDetectedAt ??= data.detectedAt;
        break;
      }
      case 'ObligationBreached': {
        const data = event.data as ObligationBreached['data'];
        const patch = this.patch(caseId, data.obligationId);
        patch.breachDetectedAt ??= data.detectedAt;
        break;
      }
      case 'ObligationFulfilled': {
        const data = event.data as ObligationFulfilled['data'];
        this.close(caseId, data.obligationId, 'fulfilled', occurredAt, recordedAt, data.onTime, null);
        break;
      }
      case 'ObligationCancelled': {
        const data = event.data as ObligationCancelled['data'];
        this.close(caseId, data.obligationId, 'cancelled', occurredAt, recordedAt, null, data.reason);
        break;
      }
      case 'ObligationWaived': {
        const data = event.data as ObligationWaived['data'];
        this.close(caseId, data.obligationId, 'waived', occurredAt, recordedAt, null, data.justification);
        break;
      }
      case 'CaseTransferred': {
        const data = event.data as CaseTransferred['data'];
        this.transfers.set(caseId, data.toMunicipality);
        for (const row of this.opened.values())
          if (row.caseId === caseId) row.municipality = data.toMunicipality;
        break;
      }
      default:
        break;
    }
  }

  private patch(caseId: string, obligationId: string): Patch {
    const key = keyOf(caseId, obligationId);
    let patch = this.patches.get(key);
    if (patch === undefined) {
      patch = {
        warnDetectedAt: null,
        breachDetectedAt: null,
        status: null,
        closedAt: null,
        closedRecordedAt: null,
        onTime: null,
        reason: null,
      };
      this.patches.set(key, patch);
    }
    return patch;
  }

  private close(
    caseId: string,
    obligationId: string,
    status: NonNullable<Patch['status']>,
    closedAt: string,
    recordedAt: string,
    onTime: boolean | null,
    reason: string | null,
  ): void {
    const patch = this.patch(caseId, obligationId);
    if (patch.status !== null) return;
    Object.assign(patch, { status, closedAt, closedRecordedAt: recordedAt, onTime, reason });
  }

  async write(tx: ReadModelTransaction, t: TableNames): Promise<void> {
    const counted = this.wholeCaseCounts();
    await this.writeNew(tx, t, counted);
    await this.moveCasesOn(tx, t);
    await this.writePatches(tx, t);
    await this.writeTransfers(tx, t);
    await this.writeCaseCounts(tx, t, counted);
  }

  /**
   * The counts of the cases opened in this batch with their whole history in it, from the batch alone, as
   * CASE_COUNTS computes them from the table: every other case's counts are read from the table once its rows
   * are written (writeCaseCounts). A log of new cases (a build) then needs no query for counts at all.
   */
  private wholeCaseCounts(): Map<string, CaseCounts> {
    const counts = new Map<string, CaseCounts>();
    for (const [caseId, touch] of this.cases) {
      if (touch.whole && touch.opened !== null) counts.set(caseId, { open: 0, breached: 0, nextDue: null });
    }
    for (const [key, row] of this.opened) {
      const c = counts.get(row.caseId);
      if (c === undefined) continue;
      const patch = this.patches.get(key);
      if (patch !== undefined && patch.status !== null) continue;
      c.open++;
      if (patch !== undefined && patch.breachDetectedAt !== null) {
        c.breached++;
        continue;
      }
      if (row.dueAt !== null && (c.nextDue === null || compareInstants(row.dueAt, c.nextDue) < 0))
        c.nextDue = row.dueAt;
    }
    return counts;
  }

  /**
   * The cases opened in this batch and the obligations opened in it, by COPY where the database has it. COPY
   * cannot skip or merge a row already there, so both run under one savepoint, and a row already there (an
   * obligation opened again, whose first opening stands) sends the batch the INSERTs' way, which skip or merge.
   */
  private async writeNew(
    tx: ReadModelTransaction,
    t: TableNames,
    counted: ReadonlyMap<string, CaseCounts>,
  ): Promise<void> {
    const cases = [...this.cases].filter(([, touch]) => touch.opened !== null);
    const rows = [...this.opened.values()];
    if (cases.length === 0 && rows.length === 0) return; // a live batch of later facts only: no round trips
    if (rows.length > 0) await this.ruleTexts.resolve(tx, t);
    const insert = async () => {
      await insertCases(tx, t, cases, counted);
      await insertOpened(tx, t, rows);
    };
    if (tx.copyFrom === undefined) return insert();
    await tx.query('SAVEPOINT new_rows');
    try {
      if (cases.length > 0) {
        let data = '';
        for (const [caseId, touch] of cases) data += copyLine(caseFields(caseId, touch, counted.get(caseId)));
        await tx.copyFrom(`COPY ${t.case_summaries} (${CASE_COLUMNS}) FROM STDIN`, data);
      }
      if (rows.length > 0) {
        let data = '';
        for (const row of rows) data += copyLine(openedFields(row));
        await tx.copyFrom(`COPY ${t.obligations} (${OPENED_COLUMNS}) FROM STDIN`, data);
      }
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      await tx.query('ROLLBACK TO SAVEPOINT new_rows');
      await insert();
    }
    await tx.query('RELEASE SAVEPOINT new_rows');
  }

  /** The cases touched but not opened in this batch are moved on to their last event. */
  private async moveCasesOn(tx: SqlTransaction, t: TableNames): Promise<void> {
    const all = [...this.cases].filter(([, touch]) => touch.opened === null);
    if (all.length === 0) return;
    await tx.query(
      `UPDATE ${t.case_summaries} AS s
          SET revision = u.revision, last_event_type = u.last_type, last_occurred_at = u.occurred, last_recorded_at = u.recorded
         FROM unnest($1::text[], $2::bigint[], $3::text[], $4::timestamptz[], $5::timestamptz[])
              AS u(case_id, revision, last_type, occurred, recorded)
        WHERE s.case_id = u.case_id AND s.revision <= u.revision`,
      [
        all.map(([caseId]) => caseId),
        all.map(([, c]) => c.revision.toString()),
        all.map(([, c]) => c.lastType),
        all.map(([, c]) => c.lastOccurredAt),
        all.map(([, c]) => c.lastRecordedAt),
      ],
    );
  }

  private async writePatches(tx: SqlTransaction, t: TableNames): Promise<void> {
    const entries = [...this.patches];
    if (entries.length === 0) return;
    const col = <T>(pick: (patch: Patch) => T) => entries.map(([, patch]) => pick(patch));
    await tx.query(
      `UPDATE ${t.obligations} AS o
          SET warned = o.warned OR p.warn_detected_at IS NOT NULL,
              warn_detected_at = coalesce(o.warn_detected_at, p.warn_detected_at),
              breached = o.breached OR p.breach_detected_at IS NOT NULL,
              breach_detected_at = coalesce(o.breach_detected_at, p.breach_detected_at),
              status = CASE WHEN o.status = 'open' AND p.status IS NOT NULL THEN p.status ELSE o.status END,
              closed_at = CASE WHEN o.status = 'open' THEN p.closed_at ELSE o.closed_at END,
              closed_recorded_at = CASE WHEN o.status = 'open' THEN p.closed_recorded_at ELSE o.closed_recorded_at END,
              on_time = CASE WHEN o.status = 'open' THEN p.on_time ELSE o.on_time END,
              closed_reason = CASE WHEN o.status = 'open' THEN p.reason ELSE o.closed_reason END
         FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::timestamptz[],
                     $7::timestamptz[], $8::boolean[], $9::text[])
              AS p(case_id, obligation_id, warn_detected_at, breach_detected_at, status, closed_at, closed_recorded_at,
                   on_time, reason)
        WHERE o.case_id = p.case_id AND o.obligation_id = p.obligation_id`,
      [
        entries.map(([key]) => splitKey(key)[0]),
        entries.map(([key]) => splitKey(key)[1]),
        col((p) => p.warnDetectedAt),
        col((p) => p.breachDetectedAt),
        col((p) => p.status),
        col((p) => p.closedAt),
        col((p) => p.closedRecordedAt),
        col((p) => p.onTime),
        col((p) => p.reason),
      ],
    );
  }

  private async writeTransfers(tx: SqlTransaction, t: TableNames): Promise<void> {
    if (this.transfers.size === 0) return;
    const params = [[...this.transfers.keys()], [...this.transfers.values()]];
    for (const table of [t.obligations, t.case_summaries]) {
      await tx.query(
        `UPDATE ${table} AS x SET municipality = m.municipality
           FROM unnest($1::text[], $2::text[]) AS m(case_id, municipality) WHERE x.case_id = m.case_id`,
        params,
      );
    }
  }

  /**
   * Counts of the cases whose obligations this batch changed and whose counts wholeCaseCounts did not compute,
   * from the obligations table as it now stands. Per case (LATERAL), so that each case is one scan of the
   * primary key whatever the planner's statistics say: as a join it hashed the whole table while a build had
   * not yet been analysed (a third of a second per batch at a million rows).
   */
  private async writeCaseCounts(
    tx: SqlTransaction,
    t: TableNames,
    counted: ReadonlyMap<string, CaseCounts>,
  ): Promise<void> {
    const cases: string[] = [];
    for (const [caseId, touch] of this.cases)
      if (touch.obligations && !counted.has(caseId)) cases.push(caseId);
    if (cases.length === 0) return;
    await tx.query(
      `UPDATE ${t.case_summaries} AS s
          SET open_obligations = a.open, breached_obligations = a.breached, next_due_at = a.next_due
         FROM unnest($1::text[]) AS c(case_id)
        CROSS JOIN LATERAL (SELECT ${CASE_COUNTS} FROM ${t.obligations} o WHERE o.case_id = c.case_id) AS a
        WHERE s.case_id = c.case_id`,
      [cases],
    );
  }
}

/** SQLSTATE unique_violation. */
const UNIQUE_VIOLATION = '23505';

/** The columns of a case opened in a batch, in the order of `caseFields`. */
const CASE_COLUMNS = `case_id, municipality, opened_at, opened_recorded_at, revision, last_event_type, last_occurred_at,
  last_recorded_at, open_obligations, breached_obligations, next_due_at`;

/**
 * A case opened in a batch, with its last event. A case whose counts the batch did not compute (opened in an
 * earlier batch's history: not revision 0) gets 0 and no next due, and writeCaseCounts reads its counts from the
 * table.
 */
function caseFields(caseId: string, touch: CaseTouch, counts: CaseCounts | undefined): unknown[] {
  const opened = touch.opened!;
  return [
    caseId,
    opened.municipality,
    opened.openedAt,
    opened.recordedAt,
    touch.revision.toString(),
    touch.lastType,
    touch.lastOccurredAt,
    touch.lastRecordedAt,
    counts?.open ?? 0,
    counts?.breached ?? 0,
    counts?.nextDue ?? null,
  ];
}

/** The cases opened in a batch as one INSERT; a row already there is moved on to the batch's last event. */
async function insertCases(
  tx: SqlTransaction,
  t: TableNames,
  cases: readonly (readonly [string, CaseTouch])[],
  counted: ReadonlyMap<string, CaseCounts>,
): Promise<void> {
  if (cases.length === 0) return;
  const fields = cases.map(([caseId, touch]) => caseFields(caseId, touch, counted.get(caseId)));
  const types = [
    'text',
    'text',
    'timestamptz',
    'timestamptz',
    'bigint',
    'text',
    'timestamptz',
    'timestamptz',
    'integer',
    'integer',
    'timestamptz',
  ];
  await tx.query(
    `INSERT INTO ${t.case_summaries} AS s (${CASE_COLUMNS})
     SELECT * FROM unnest(${types.map((type, i) => `$${i + 1}::${type}[]`).join(', ')})
     ON CONFLICT (case_id) DO UPDATE
       SET revision = excluded.revision, last_event_type = excluded.last_event_type,
           last_occurred_at = excluded.last_occurred_at, last_recorded_at = excluded.last_recorded_at
     WHERE s.revision <= excluded.revision`,
    types.map((_, i) => fields.map((row) => row[i])),
  );
}

/** The opened obligations as one INSERT with a parameter per column; an obligation already there is kept. */
async function insertOpened(tx: SqlTransaction, t: TableNames, rows: readonly OpenedRow[]): Promise<void> {
  if (rows.length === 0) return;
  const fields = rows.map(openedFields);
  const types = [
    ...Array<string>(4).fill('text'),
    'integer',
    ...Array<string>(3).fill('text'),
    'timestamptz',
    'timestamptz',
    'timestamptz',
    'date',
    'timestamptz',
    'timestamptz',
    'timestamptz',
  ];
  await tx.query(
    `INSERT INTO ${t.obligations} (${OPENED_COLUMNS})
     SELECT * FROM unnest(${types.map((type, i) => `$${i + 1}::${type}[]`).join(', ')})
     ON CONFLICT (case_id, obligation_id) DO NOTHING`,
    types.map((_, i) => fields.map((row) => row[i])),
  );
}

const KEY_SEPARATOR = '\u001f';

function keyOf(caseId: string, obligationId: string): string {
  return `${caseId}${KEY_SEPARATOR}${obligationId}`;
}

function splitKey(key: string): [string, string] {
  const at = key.indexOf(KEY_SEPARATOR);
  return [key.slice(0, at), key.slice(at + 1)];
}
