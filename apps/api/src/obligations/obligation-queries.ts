import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { LOGGER, type Logger } from '@fristvagt/logging';
import {
  type ObligationFilter,
  type ObligationReadState,
  type ObligationRow,
  ObligationsReadModel,
  OPEN_STATES,
} from '@fristvagt/projections';
import type { Principal } from '../access/principal';
import { DEFAULT_LIMIT } from '../http/query-params';
import { logAuditorRead, municipalitiesInScope, readModelStatus } from '../http/read-models';
import { decodeCursor, encodeCursor } from './obligation-cursor';
import type { ObligationListItem, ObligationPage, ObligationSummary } from './dto/obligation.dto';
import {
  type ObligationFiltersDto,
  type ObligationsQueryDto,
  toUtcInstant,
} from './dto/obligations-query.dto';

export class ListObligations extends Query<ObligationPage> {
  constructor(
    readonly query: ObligationsQueryDto,
    readonly principal: Principal,
  ) {
    super();
  }
}

export class SummarizeObligations extends Query<ObligationSummary> {
  constructor(
    readonly query: ObligationFiltersDto,
    readonly principal: Principal,
  ) {
    super();
  }
}

/** The query parameters an auditor's read is logged with: their names only, never their values. */
const PARAMETER_NAMES = [
  'municipality',
  'rule',
  'state',
  'dueAfter',
  'dueBefore',
  'caseId',
  'minPosition',
  'wait',
  'limit',
  'cursor',
] as const;

/** The read model's filter for a validated query: always within the principal's municipalities. */
export function obligationFilter(query: ObligationFiltersDto, principal: Principal): ObligationFilter {
  const municipalities = municipalitiesInScope(query.municipality, principal, 'obligations');
  const dueAfter = toUtcInstant(query.dueAfter);
  const dueBefore = toUtcInstant(query.dueBefore);
  return {
    municipalities,
    ...(query.rule !== undefined && { ruleIds: [...new Set(query.rule)] }),
    states: query.state === undefined ? OPEN_STATES : [...new Set(query.state)],
    ...(dueAfter !== undefined && { dueAfter }),
    ...(dueBefore !== undefined && { dueBefore }),
    ...(query.caseId !== undefined && { caseId: query.caseId.toLowerCase() }),
  };
}

@QueryHandler(ListObligations)
export class ListObligationsHandler implements IQueryHandler<ListObligations, ObligationPage> {
  constructor(
    private readonly readModel: ObligationsReadModel,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute({ query, principal }: ListObligations): Promise<ObligationPage> {
    const filter = obligationFilter(query, principal);
    const cursor = query.cursor === undefined ? null : (decodeCursor(query.cursor) ?? null);
    const readModel = await readModelStatus(this.readModel, query);
    const page = await this.readModel.list(filter, cursor, query.limit ?? DEFAULT_LIMIT);
    logAuditorRead(this.logger, principal, {
      audit: 'obligations-read',
      message: 'auditor read obligations',
      parameters: PARAMETER_NAMES,
      query,
    });
    return {
      items: page.items.map(listItem),
      next: page.next === null ? null : encodeCursor(page.next),
      readModel,
    };
  }
}

@QueryHandler(SummarizeObligations)
export class SummarizeObligationsHandler implements IQueryHandler<SummarizeObligations, ObligationSummary> {
  constructor(
    private readonly readModel: ObligationsReadModel,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute({ query, principal }: SummarizeObligations): Promise<ObligationSummary> {
    const filter = obligationFilter(query, principal);
    const readModel = await readModelStatus(this.readModel, query);
    const counts = await this.readModel.summary(filter);
    logAuditorRead(this.logger, principal, {
      audit: 'obligations-summary-read',
      message: 'auditor read obligations',
      parameters: PARAMETER_NAMES,
      query,
    });
    const byState: Partial<Record<ObligationReadState, number>> = {};
    for (const state of filter.states ?? OPEN_STATES) byState[state] = 0;
    for (const row of counts) byState[row.state] = (byState[row.state] ?? 0) + row.count;
    return { counts, totals: { byState }, readModel };
  }
}

/** Field by field, so that nothing the read model may hold beyond these reaches a response. */
function listItem(row: ObligationRow): ObligationListItem {
  return {
    caseId: row.caseId,
    obligationId: row.obligationId,
    municipality: row.municipality,
    ruleId: row.ruleId,
    variant: row.variant,
    title: row.title,
    subject: { kind: row.subject.kind, id: row.subject.id },
    basis: row.basis as ObligationListItem['basis'],
    citation: row.citation,
    rulePack: rulePackRef(row.rulePack),
    openedAt: row.openedAt,
    dueAt: row.dueAt,
    dueDate: row.dueDate,
    strictDueAt: row.strictDueAt,
    rolledDueAt: row.rolledDueAt,
    warnAt: row.warnAt,
    state: row.state,
    warnDetectedAt: row.warnDetectedAt,
    breachDetectedAt: row.breachDetectedAt,
    closedAt: row.closedAt,
    onTime: row.onTime,
    fulfilledLate: row.fulfilledLate,
  };
}

/** The read model keeps the pack as `id@version`; the API shows it as everywhere else, `{ id, version }`. */
function rulePackRef(stored: string): { id: string; version: string } {
  const at = stored.lastIndexOf('@');
  return at < 0 ? { id: stored, version: '' } : { id: stored.slice(0, at), version: stored.slice(at + 1) };
}
