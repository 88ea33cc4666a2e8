import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { COUNCIL_NOT_HELD_REASONS, RULE_IDS, type RuleId } from '@fristvagt/domain';
import { MunicipalityParam } from '../../http/query-params';
import { codeValidator, IsOneOf, IsRuleId } from '../../http/validators';
import { BOOLEAN_TEXTS, BomParam } from '../../audit/dto/history-export.dto';

/** The longest window of one report, in days (three years and a leap day). */
export const MAX_REPORT_DAYS = 1_096;
/** The window without `from`: this many days up to and including `to`. */
export const DEFAULT_REPORT_DAYS = 365;

const DATE = /^(19|20)\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export function isReportDate(value: unknown): value is string {
  if (typeof value !== 'string' || !DATE.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return parsed.toISOString().slice(0, 10) === value;
}

const IsDate = () =>
  codeValidator('invalid-date', isReportDate, 'must be a Copenhagen date as YYYY-MM-DD, e.g. 2026-03-01');

export const REPORT_CSV_TABLES = ['rules', 'network-councils'] as const;

/** GET /v1/reports/compliance. */
export class ComplianceReportQueryDto {
  @MunicipalityParam()
  municipality?: string[];

  @ApiPropertyOptional({
    description: `First Copenhagen date (YYYY-MM-DD), inclusive, of the facts that triggered the obligations counted. Default: ${DEFAULT_REPORT_DAYS - 1} days before \`to\`. At most ${MAX_REPORT_DAYS} days from \`from\` to \`to\`.`,
    example: '2026-01-01',
  })
  @IsOptional()
  @IsDate()
  from?: string;

  @ApiPropertyOptional({
    description: 'Last Copenhagen date, inclusive. Default: today by the service clock.',
    example: '2026-06-30',
  })
  @IsOptional()
  @IsDate()
  to?: string;

  @ApiPropertyOptional({
    description: 'Only this rule in `rules`. The network-council figures are given either way.',
    enum: RULE_IDS,
    example: 'NSR-CONVENE',
  })
  @IsOptional()
  @IsRuleId()
  rule?: RuleId;

  @BomParam()
  @IsOptional()
  @IsOneOf('invalid-boolean', BOOLEAN_TEXTS)
  bom?: (typeof BOOLEAN_TEXTS)[number];

  @ApiPropertyOptional({
    description: 'CSV only: rules (default), one row per rule; network-councils, one row per bin and reason.',
    enum: REPORT_CSV_TABLES,
  })
  @IsOptional()
  @IsOneOf('invalid-table', REPORT_CSV_TABLES)
  table?: (typeof REPORT_CSV_TABLES)[number];
}

export class DayFiguresDto {
  @ApiProperty({ description: 'Fulfilled obligations the days are counted over.', example: 41 })
  count!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Median, in whole Copenhagen days.', example: 6 })
  median!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: '90th percentile (nearest rank).', example: 12 })
  p90!: number | null;
}

export class ReportRuleDto {
  @ApiProperty({ example: 'NSR-CONVENE' })
  ruleId!: string;
  @ApiProperty({
    description: 'Obligations triggered in the window: the sum of the six outcomes.',
    example: 50,
  })
  opened!: number;
  @ApiProperty({ example: 34 }) fulfilledOnTime!: number;
  @ApiProperty({ example: 7 }) fulfilledLate!: number;
  @ApiProperty({ description: 'Open and past due (marked breached, or due at or before now).', example: 4 })
  breachedOpen!: number;
  @ApiProperty({ description: 'Open and not yet due.', example: 2 }) open!: number;
  @ApiProperty({ example: 1 }) waived!: number;
  @ApiProperty({ example: 2 }) cancelled!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'fulfilledOnTime / (fulfilledOnTime + fulfilledLate + breachedOpen), 3 decimals; null when none.',
    example: 0.756,
  })
  onTimeShare!: number | null;
  @ApiProperty({ type: DayFiguresDto, description: 'Days from the triggering fact to the fulfilling one.' })
  daysToFulfilment!: DayFiguresDto;
}

export class DayBinDto {
  @ApiProperty({ example: '0-7' }) label!: string;
  @ApiProperty({ example: 0 }) minDays!: number;
  @ApiProperty({ type: Number, nullable: true, example: 7 }) maxDays!: number | null;
  @ApiProperty({ example: 31 }) count!: number;
}

export class ConvocationFiguresDto {
  @ApiProperty({ type: [DayBinDto] }) bins!: DayBinDto[];
  @ApiProperty({
    description: 'Still open (breached or not): not convened yet. Cancelled and waived ones are in `rules`.',
    example: 3,
  })
  notConvened!: number;
}

export class HoldingFiguresDto {
  @ApiProperty({ type: [DayBinDto] }) bins!: DayBinDto[];
  @ApiProperty({ description: 'Convened, and recorded as not held.', example: 5 }) notHeld!: number;
  @ApiProperty({ description: 'Convened, and neither held nor recorded as not held (yet).', example: 9 })
  pending!: number;
}

export class NetworkCouncilFiguresDto {
  @ApiProperty({
    description: 'Police notifications received in the window (NSR-CONVENE obligations).',
    example: 50,
  })
  notifications!: number;
  @ApiProperty({
    type: ConvocationFiguresDto,
    description: 'Days from notification to convocation, in seed 003’s bins.',
  })
  toConvocation!: ConvocationFiguresDto;
  @ApiProperty({
    type: HoldingFiguresDto,
    description: 'Days from notification to the council held, in the same bins.',
  })
  toHolding!: HoldingFiguresDto;
  @ApiProperty({
    type: 'object',
    properties: Object.fromEntries(COUNCIL_NOT_HELD_REASONS.map((reason) => [reason, { type: 'integer' }])),
    description: 'Councils recorded as not held, per reason.',
    example: {
      'youth-declined': 2,
      'parents-declined': 0,
      'no-show': 1,
      'not-relevant': 0,
      'handled-elsewhere': 1,
      other: 1,
    },
  })
  notHeldReasons!: Record<string, number>;
}

export class ComplianceReportDto {
  @ApiProperty({ example: '2026-01-01' }) from!: string;
  @ApiProperty({ example: '2026-06-30' }) to!: string;
  @ApiProperty({ type: String, nullable: true, example: 'NSR-CONVENE' }) rule!: string | null;
  @ApiProperty({
    type: [String],
    nullable: true,
    description:
      'The municipalities counted; null: every one (a key for all municipalities, none asked for).',
    example: ['461'],
  })
  municipalities!: string[] | null;
  @ApiProperty({
    description: 'The instant outcomes are judged at (service clock).',
    example: '2026-07-01T08:00:00.000Z',
  })
  generatedAt!: string;
  @ApiProperty({ type: [ReportRuleDto], description: 'By rule id.' })
  rules!: ReportRuleDto[];
  @ApiProperty({ type: NetworkCouncilFiguresDto })
  networkCouncils!: NetworkCouncilFiguresDto;
}
