import { Inject, Injectable } from '@nestjs/common';
import { complianceReport, type CsvCell, toCsv } from '@fristvagt/audit';
import { CLOCK, type Clock } from '@fristvagt/config';
import { addDays, localDateOf } from '@fristvagt/domain';
import { EVENT_STORE, type EventStore, type Position, type RecordedEvent } from '@fristvagt/event-store';
import { LOGGER, type Logger } from '@fristvagt/logging';
import type { Principal } from '../access/principal';
import { logAuditorRead, municipalitiesInScope } from '../http/read-models';
import { inputProblem } from '../problems/input-validation';
import {
  type ComplianceReportDto,
  type ComplianceReportQueryDto,
  DEFAULT_REPORT_DAYS,
  MAX_REPORT_DAYS,
} from './dto/compliance-report.dto';

const CASE_STREAM = /^case-/;
const BATCH = 1_000;

const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;

/**
 * The compliance report of issue 13 (counting rules in docs/audit.md): every case stream read from the log
 * and folded with the domain's evolve, so each obligation's outcome, the councils' outcomes and the reasons a
 * council was not held come from the events themselves. It reads the whole log once per report: fine for an
 * audit report at a municipality's scale (a few hundred thousand events in seconds), not for a dashboard,
 * which GET /v1/compliance serves from the read model.
 */
@Injectable()
export class ComplianceReports {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async report(query: ComplianceReportQueryDto, principal: Principal): Promise<ComplianceReportDto> {
    const now = this.clock.now().toISOString();
    const to = query.to ?? localDateOf(now);
    const from = query.from ?? addDays(to, -(DEFAULT_REPORT_DAYS - 1));
    if (from > to) {
      throw inputProblem([
        {
          field: query.to !== undefined ? 'to' : 'from',
          code: 'invalid-range',
          detail: 'from must not be after to',
        },
      ]);
    }
    if (dayNumber(to) - dayNumber(from) + 1 > MAX_REPORT_DAYS) {
      throw inputProblem([
        {
          field: query.from !== undefined ? 'from' : 'to',
          code: 'invalid-range',
          detail: `from and to may be at most ${MAX_REPORT_DAYS} days apart, both included`,
        },
      ]);
    }
    const municipalities = municipalitiesInScope(query.municipality, principal, 'compliance figures');
    logAuditorRead(this.logger, principal, {
      audit: 'compliance-report-read',
      message: 'auditor read the compliance report',
      parameters: ['municipality', 'from', 'to', 'rule', 'bom', 'table'],
      query,
    });
    const figures = complianceReport((await this.caseStreams()).values(), {
      municipalities,
      from,
      to,
      now,
      ...(query.rule !== undefined && { ruleId: query.rule }),
    });
    const councils = figures.networkCouncils;
    return {
      from,
      to,
      rule: query.rule ?? null,
      municipalities: municipalities === null ? null : [...municipalities].sort(),
      generatedAt: now,
      rules: figures.rules.map((rule) => ({ ...rule })),
      networkCouncils: {
        notifications: councils.notifications,
        toConvocation: { ...councils.toConvocation, bins: [...councils.toConvocation.bins] },
        toHolding: { ...councils.toHolding, bins: [...councils.toHolding.bins] },
        notHeldReasons: { ...councils.notHeldReasons },
      },
    };
  }

  /** Every case stream's events, in stream order. */
  private async caseStreams(): Promise<Map<string, RecordedEvent[]>> {
    const streams = new Map<string, RecordedEvent[]>();
    let from: Position | 'start' = 'start';
    for (;;) {
      const batch = await this.store.readAll({ fromPosition: from, maxCount: BATCH });
      for (const event of batch) {
        if (!CASE_STREAM.test(event.streamName)) continue;
        const events = streams.get(event.streamName);
        if (events === undefined) streams.set(event.streamName, [event]);
        else events.push(event);
      }
      if (batch.length < BATCH) return streams;
      from = batch[batch.length - 1].position;
    }
  }
}

export const RULE_COLUMNS = [
  'ruleId',
  'opened',
  'fulfilledOnTime',
  'fulfilledLate',
  'breachedOpen',
  'open',
  'waived',
  'cancelled',
  'onTimeShare',
  'daysToFulfilmentCount',
  'daysToFulfilmentMedian',
  'daysToFulfilmentP90',
] as const;

export const COUNCIL_COLUMNS = ['measure', 'bin', 'count'] as const;

/** The report as CSV (libs/audit csv.ts conventions): the rules table, or the network-council table. */
export function complianceReportCsv(
  report: Pick<ComplianceReportDto, 'rules' | 'networkCouncils'>,
  table: 'rules' | 'network-councils',
  bom: boolean,
): string {
  if (table === 'rules') {
    const rows = report.rules.map((rule): CsvCell[] => [
      rule.ruleId,
      rule.opened,
      rule.fulfilledOnTime,
      rule.fulfilledLate,
      rule.breachedOpen,
      rule.open,
      rule.waived,
      rule.cancelled,
      rule.onTimeShare,
      rule.daysToFulfilment.count,
      rule.daysToFulfilment.median,
      rule.daysToFulfilment.p90,
    ]);
    return toCsv(RULE_COLUMNS, rows, { bom });
  }
  const councils = report.networkCouncils;
  const rows: CsvCell[][] = [
    ['notifications', '', councils.notifications],
    ...councils.toConvocation.bins.map((bin): CsvCell[] => ['days-to-convocation', bin.label, bin.count]),
    ['days-to-convocation', 'not convened', councils.toConvocation.notConvened],
    ...councils.toHolding.bins.map((bin): CsvCell[] => ['days-to-holding', bin.label, bin.count]),
    ['days-to-holding', 'not held', councils.toHolding.notHeld],
    ['days-to-holding', 'pending', councils.toHolding.pending],
    ...Object.entries(councils.notHeldReasons).map(([reason, count]): CsvCell[] => [
      'not-held-reason',
      reason,
      count,
    ]),
  ];
  return toCsv(COUNCIL_COLUMNS, rows, { bom });
}
