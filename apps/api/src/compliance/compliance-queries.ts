import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '@fristvagt/config';
import { addDays, DK_YOUTH_PACK, localDateOf, RULE_IDS, type RuleDefinition } from '@fristvagt/domain';
import { LOGGER, type Logger } from '@fristvagt/logging';
import {
  ComplianceReadModel,
  type ComplianceMonthRow,
  CONVENE_RULE_ID,
  CONVOCATION_BINS,
} from '@fristvagt/projections';
import type { Principal } from '../access/principal';
import { logAuditorRead, municipalitiesInScope, readModelStatus } from '../http/read-models';
import { inputProblem } from '../problems/input-validation';
import type { ComplianceMonth, ComplianceReport, ComplianceRule } from './dto/compliance.dto';
import {
  type ComplianceQueryDto,
  DEFAULT_COMPLIANCE_MONTHS,
  MAX_COMPLIANCE_MONTHS,
} from './dto/compliance-query.dto';

export class GetCompliance extends Query<ComplianceReport> {
  constructor(
    readonly query: ComplianceQueryDto,
    readonly principal: Principal,
  ) {
    super();
  }
}

/** The query parameters an auditor's read is logged with: their names only, never their values. */
const PARAMETER_NAMES = ['municipality', 'from', 'to', 'ruleId', 'minPosition', 'wait'] as const;

/** A month as a count of months since year 0, so that windows are integer ranges. */
const monthIndex = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
const monthOf = (index: number) =>
  `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;

/**
 * The months a query covers, `from` to `to` inclusive: by default the 12 up to the current Copenhagen month at
 * `now`. A window that runs backwards or spans more than 36 months is refused, naming a parameter the caller
 * gave.
 */
export function complianceWindow(
  query: Pick<ComplianceQueryDto, 'from' | 'to'>,
  now: string,
): { from: string; to: string; months: string[] } {
  const to = query.to ?? localDateOf(now).slice(0, 7);
  const from = query.from ?? monthOf(monthIndex(to) - (DEFAULT_COMPLIANCE_MONTHS - 1));
  const count = monthIndex(to) - monthIndex(from) + 1;
  if (count < 1) {
    const field = query.to !== undefined ? 'to' : 'from';
    const detail =
      field === 'to'
        ? 'to must not be before from'
        : 'from must not be after the current month (the default to)';
    throw inputProblem([{ field, code: 'invalid-range', detail }]);
  }
  if (count > MAX_COMPLIANCE_MONTHS) {
    throw inputProblem([
      {
        field: query.from !== undefined ? 'from' : 'to',
        code: 'invalid-range',
        detail: `from and to may be at most ${MAX_COMPLIANCE_MONTHS} months apart, both included`,
      },
    ]);
  }
  return { from, to, months: Array.from({ length: count }, (_, i) => monthOf(monthIndex(from) + i)) };
}

/** The catalogue's variant of `ruleId` in effect on `date`, else the latest that started before it. */
function ruleVariant(ruleId: string, date: string): RuleDefinition | undefined {
  const variants = DK_YOUTH_PACK.rules.filter((rule) => rule.ruleId === ruleId);
  return (
    variants.find(
      ({ effective }) => effective.from <= date && (effective.to === null || date <= effective.to),
    ) ??
    variants
      .filter(({ effective }) => effective.from <= date)
      .sort((a, b) => b.effective.from.localeCompare(a.effective.from))[0] ??
    variants[0]
  );
}

/** Catalogue order; a rule the catalogue does not know (any more) after them, by id. */
function byCatalogue(a: string, b: string): number {
  const rank = (id: string) => {
    const i = (RULE_IDS as readonly string[]).indexOf(id);
    return i < 0 ? RULE_IDS.length : i;
  };
  return rank(a) - rank(b) || a.localeCompare(b);
}

type Counts = Omit<ComplianceMonth, 'month' | 'onTimeShare'>;
const NONE: Counts = {
  due: 0,
  fulfilledOnTime: 0,
  fulfilledLate: 0,
  breachedOpen: 0,
  openNotDue: 0,
  waived: 0,
  cancelled: 0,
};

function monthView(month: string, row: ComplianceMonthRow | undefined): ComplianceMonth {
  const counts: Counts =
    row === undefined
      ? NONE
      : {
          due: row.due,
          fulfilledOnTime: row.fulfilledOnTime,
          fulfilledLate: row.fulfilledLate,
          breachedOpen: row.breachedOpen,
          openNotDue: row.openNotDue,
          waived: row.waived,
          cancelled: row.cancelled,
        };
  const judged = counts.fulfilledOnTime + counts.fulfilledLate + counts.breachedOpen;
  return {
    month,
    ...counts,
    onTimeShare: judged === 0 ? null : Math.round((counts.fulfilledOnTime / judged) * 1000) / 1000,
  };
}

@QueryHandler(GetCompliance)
export class GetComplianceHandler implements IQueryHandler<GetCompliance, ComplianceReport> {
  constructor(
    private readonly readModel: ComplianceReadModel,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute({ query, principal }: GetCompliance): Promise<ComplianceReport> {
    const now = this.clock.now().toISOString();
    const { from, to, months } = complianceWindow(query, now);
    const scope = municipalitiesInScope(query.municipality, principal, 'compliance figures');
    const checkpoint = await readModelStatus(this.readModel, query);
    const filter = { municipalities: scope, from, to, now };
    const [rows, convocations] = await Promise.all([
      this.readModel.months(query.ruleId === undefined ? filter : { ...filter, ruleId: query.ruleId }),
      this.readModel.convocations(filter),
    ]);
    logAuditorRead(this.logger, principal, {
      audit: 'compliance-read',
      message: 'auditor read compliance figures',
      parameters: PARAMETER_NAMES,
      query,
    });

    const byRule = new Map<string, Map<string, ComplianceMonthRow>>();
    for (const row of rows) {
      if (!byRule.has(row.ruleId)) byRule.set(row.ruleId, new Map());
      byRule.get(row.ruleId)!.set(row.month, row);
    }
    if (query.ruleId !== undefined && !byRule.has(query.ruleId)) byRule.set(query.ruleId, new Map());
    const lastDay = addDays(`${monthOf(monthIndex(to) + 1)}-01`, -1);
    const rules = [...byRule.keys()].sort(byCatalogue).map((ruleId): ComplianceRule => {
      // Every rule id the read model holds comes from the pack; the fallbacks are for one a later pack dropped.
      const rule = ruleVariant(ruleId, lastDay);
      const found = byRule.get(ruleId)!;
      return {
        ruleId,
        variant: rule?.variant ?? '',
        title: rule?.title ?? ruleId,
        basis: rule?.basis ?? 'statute',
        citation: rule?.citation ?? '',
        citationVerified: rule?.citationVerified ?? false,
        months: months.map((month) => monthView(month, found.get(month))),
      };
    });

    const notConvened = convocations.notConvened;
    const bins = CONVOCATION_BINS.map((bin, i) => ({ ...bin, count: convocations.counts[i] }));
    return {
      checkpoint,
      from,
      to,
      municipalities: [
        ...new Set(scope ?? [...rows.flatMap((row) => row.municipalities), ...convocations.municipalities]),
      ].sort(),
      rules,
      networkCouncilConvocation: {
        ruleId: CONVENE_RULE_ID,
        bins,
        notConvened,
        total: bins.reduce((sum, bin) => sum + bin.count, notConvened),
        cancelled: convocations.cancelled,
        waived: convocations.waived,
      },
    };
  }
}
