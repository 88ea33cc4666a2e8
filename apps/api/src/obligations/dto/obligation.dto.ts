import { ApiProperty } from '@nestjs/swagger';
import type { Basis } from '@fristvagt/domain';
import { OBLIGATION_STATES, type ObligationReadState } from '@fristvagt/projections';
import { SubjectView } from '../../cases/dto/outcome.dto';
import { NextPageProperty } from '../../http/query-params';
import { ReadModelStatusView } from '../../http/read-models';
import { BASES, RulePackRefDto } from '../../rules/dto/rule-catalogue.dto';

/**
 * One obligation as the read model holds it. Named apart from the case view's ObligationView, whose
 * OpenAPI schema would otherwise be overwritten by this one. Holds no personal data: the case is its id.
 */
export class ObligationListItem {
  @ApiProperty({ format: 'uuid', example: '0b6f3c1e-9f4a-5d2b-8c1e-2a7d4e6f8a90' })
  caseId!: string;
  @ApiProperty({ example: 'NSR-CONVENE:documentation:pol-2026-0042' })
  obligationId!: string;
  @ApiProperty({ description: 'Kommunekode of the case now (after any transfer).', example: '461' })
  municipality!: string;
  @ApiProperty({ example: 'NSR-CONVENE' })
  ruleId!: string;
  @ApiProperty({ example: 'barnets-lov' })
  variant!: string;
  @ApiProperty({ example: 'Convene a network council' })
  title!: string;
  @ApiProperty({ type: SubjectView })
  subject!: SubjectView;
  @ApiProperty({ enum: BASES, example: 'statute' })
  basis!: Basis;
  @ApiProperty({ example: 'Barnets lov § 57 b, stk. 1' })
  citation!: string;
  @ApiProperty({ type: RulePackRefDto })
  rulePack!: RulePackRefDto;
  @ApiProperty({ description: 'When the fact that opened it happened.', example: '2026-03-25T10:00:00.000Z' })
  openedAt!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The instant alerts and breaches use (rolled forward where the municipality chose that).',
    example: '2026-04-01T22:00:00.000Z',
  })
  dueAt!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The Danish local date it falls due.',
    example: '2026-04-01',
  })
  dueDate!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2026-04-01T22:00:00.000Z' })
  strictDueAt!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null })
  rolledDueAt!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2026-03-30T22:00:00.000Z' })
  warnAt!: string | null;
  @ApiProperty({
    enum: OBLIGATION_STATES,
    description:
      '`open`; `due-soon`: warned, not yet due; `breached`: past its due, still open; or how it was closed.',
    example: 'open',
  })
  state!: ObligationReadState;
  @ApiProperty({ type: String, nullable: true, description: 'When the warning was given.', example: null })
  warnDetectedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'When the breach was detected.', example: null })
  breachDetectedAt!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'When it was fulfilled, cancelled or waived.',
    example: null,
  })
  closedAt!: string | null;
  @ApiProperty({ type: Boolean, nullable: true, description: 'Fulfilled: within its due.', example: null })
  onTime!: boolean | null;
  @ApiProperty({ description: 'Fulfilled, but after its due.', example: false })
  fulfilledLate!: boolean;
}

export class ObligationPage {
  @ApiProperty({
    type: [ObligationListItem],
    description: 'Soonest due first; obligations without a due last.',
  })
  items!: ObligationListItem[];
  @NextPageProperty()
  next!: string | null;
  @ApiProperty({ type: ReadModelStatusView })
  readModel!: ReadModelStatusView;
}

export class ObligationCount {
  @ApiProperty({ example: '461' })
  municipality!: string;
  @ApiProperty({ example: 'NSR-CONVENE' })
  ruleId!: string;
  @ApiProperty({ enum: OBLIGATION_STATES, example: 'breached' })
  state!: ObligationReadState;
  @ApiProperty({ example: 3 })
  count!: number;
}

export class ObligationTotals {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'Every state asked for (by default the open ones), with 0 where there are none.',
    example: { open: 12, 'due-soon': 2, breached: 3 },
  })
  byState!: Partial<Record<ObligationReadState, number>>;
}

export class ObligationSummary {
  @ApiProperty({
    type: [ObligationCount],
    description: 'One row per municipality, rule and state that has any; ordered by those three.',
  })
  counts!: ObligationCount[];
  @ApiProperty({ type: ObligationTotals })
  totals!: ObligationTotals;
  @ApiProperty({ type: ReadModelStatusView })
  readModel!: ReadModelStatusView;
}
