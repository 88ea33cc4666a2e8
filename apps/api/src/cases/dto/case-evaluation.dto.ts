import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { type Basis, type EvaluatedStatus, RULE_PACKS } from '@fristvagt/domain';
import { codeValidator } from '../../http/validators';
import { BASES, RulePackRefDto } from '../../rules/dto/rule-catalogue.dto';
import { SubjectView } from './outcome.dto';
import { IsKommunekode, IsLocalDate } from './validators';

/** Every pack a caller may name, as `id@version`, newest first. */
export const RULE_PACK_REFS = RULE_PACKS.map((pack) => `${pack.id}@${pack.version}`);

const IsRulePackRef = () =>
  codeValidator(
    'unknown-rule-pack',
    (value) => typeof value === 'string' && RULE_PACK_REFS.includes(value),
    `must name a rule pack as ID@VERSION: ${RULE_PACK_REFS.join(', ')}`,
  );

/** GET /v1/cases/{caseId}/evaluation: what to evaluate the case under; each optional. */
export class CaseEvaluationQueryDto {
  @ApiPropertyOptional({
    description: 'The rule pack to re-evaluate the case under, as ID@VERSION. Default: the current pack.',
    enum: RULE_PACK_REFS,
    example: 'dk-youth@2026.1',
  })
  @IsOptional()
  @IsRulePackRef()
  rulePack?: string;

  @ApiPropertyOptional({
    description:
      "Kommunekode whose settings apply to every fact, as if the case had always been there (within the key's " +
      "scope; else 403 municipality-out-of-scope). Default: the case's own municipality at each fact, transfers included.",
    pattern: '^\\d{3}$',
    example: '461',
  })
  @IsOptional()
  @IsKommunekode()
  municipality?: string;

  @ApiPropertyOptional({
    description:
      'Copenhagen local date whose municipal settings (recorded through /v1/municipalities/{code}/settings) apply to ' +
      'every fact, whatever its own date. Default: each fact under the settings in effect on its own date.',
    format: 'date',
    example: '2026-06-01',
  })
  @IsOptional()
  @IsLocalDate()
  settingsAt?: string;
}

const STATUSES = Object.keys({
  open: true,
  breached: true,
  fulfilled: true,
  cancelled: true,
  waived: true,
} satisfies Record<EvaluatedStatus, true>);

/** One evaluation's view of an obligation: its rule's variant and citation, its due and its standing at `now`. */
export class EvaluatedSideDto {
  @ApiProperty({ example: 'barnets-lov-95' })
  variant!: string;
  @ApiProperty({ enum: BASES, example: 'statute' })
  basis!: Basis;
  @ApiProperty({ example: 'Barnets lov § 95' })
  citation!: string;
  @ApiProperty({ type: RulePackRefDto })
  rulePack!: RulePackRefDto;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The due alerts and breaches use (rolled where the settings roll it).',
    example: '2024-06-24T22:00:00.000Z',
  })
  dueAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date', example: '2024-06-24' })
  dueDate!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2024-06-22T22:00:00.000Z' })
  strictDueAt!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2024-06-24T22:00:00.000Z' })
  rolledDueAt!: string | null;
  @ApiProperty({
    enum: STATUSES,
    description: 'At `now`: breached is open with its due passed.',
    example: 'open',
  })
  status!: EvaluatedStatus;
  @ApiProperty({ description: 'Its due passed while it was open.', example: false })
  wasBreached!: boolean;
  @ApiProperty({ type: Boolean, nullable: true, example: null })
  onTime!: boolean | null;
}

const DIFF_FIELDS = [
  'dueAt',
  'dueDate',
  'strictDueAt',
  'rolledDueAt',
  'variant',
  'basis',
  'citation',
  'status',
  'wasBreached',
  'onTime',
];

/** An obligation only one side opens. */
export class ObligationOnOneSideDto {
  @ApiProperty({ example: 'UNGEPLAN:measure:m-1' })
  obligationId!: string;
  @ApiProperty({ example: 'UNGEPLAN' })
  ruleId!: string;
  @ApiProperty({ type: SubjectView })
  subject!: SubjectView;
  @ApiProperty({ type: EvaluatedSideDto })
  side!: EvaluatedSideDto;
}

/** An obligation both sides open, differently. */
export class ObligationOnBothSidesDto {
  @ApiProperty({ example: 'CP-FOLLOWUP-N:measure:m-1:3' })
  obligationId!: string;
  @ApiProperty({ example: 'CP-FOLLOWUP-N' })
  ruleId!: string;
  @ApiProperty({ type: SubjectView })
  subject!: SubjectView;
  @ApiProperty({
    enum: DIFF_FIELDS,
    isArray: true,
    description: 'What differs, due fields first.',
    example: ['dueAt', 'dueDate', 'rolledDueAt', 'citation'],
  })
  fields!: string[];
  @ApiProperty({ type: EvaluatedSideDto })
  baseline!: EvaluatedSideDto;
  @ApiProperty({ type: EvaluatedSideDto })
  compared!: EvaluatedSideDto;
}

/** What one side evaluated the case under. */
export class EvaluationBasisDto {
  @ApiProperty({ type: RulePackRefDto })
  rulePack!: RulePackRefDto;
  @ApiProperty({
    type: String,
    nullable: true,
    description: "Kommunekode applied to every fact; null: the case's own at each fact.",
    example: '461',
  })
  municipality!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date',
    description: 'The date whose settings applied to every fact; null: each fact under its own date.',
    example: null,
  })
  settingsAt!: string | null;
  @ApiProperty({ description: 'Obligations this side opened.', example: 5 })
  obligations!: number;
}

export class CaseEvaluation {
  @ApiProperty({ format: 'uuid', example: '0b6f3c1e-9f4a-4d2b-8c1e-2a7d4e6f8a90' })
  caseId!: string;
  @ApiProperty({
    description: 'The instant both sides judge breaches at (the service clock).',
    example: '2024-05-01T00:00:00.000Z',
  })
  now!: string;
  @ApiProperty({
    type: EvaluationBasisDto,
    description:
      "The case as evaluated today: the current pack, the case's own municipality, its recorded settings.",
  })
  baseline!: EvaluationBasisDto;
  @ApiProperty({ type: EvaluationBasisDto, description: 'The case under the pack and settings asked for.' })
  compared!: EvaluationBasisDto;
  @ApiProperty({ description: 'True when nothing differs.', example: false })
  same!: boolean;
  @ApiProperty({
    type: [ObligationOnOneSideDto],
    description: 'Opened only under `compared`, by obligation id.',
  })
  added!: ObligationOnOneSideDto[];
  @ApiProperty({
    type: [ObligationOnOneSideDto],
    description: 'Opened only under `baseline`, by obligation id.',
  })
  removed!: ObligationOnOneSideDto[];
  @ApiProperty({
    type: [ObligationOnBothSidesDto],
    description: 'On both sides with another due (and whatever else differs), by obligation id.',
  })
  moved!: ObligationOnBothSidesDto[];
  @ApiProperty({
    type: [ObligationOnBothSidesDto],
    description:
      'On both sides with the same due but another variant, basis, citation or standing, by obligation id.',
  })
  changed!: ObligationOnBothSidesDto[];
}
