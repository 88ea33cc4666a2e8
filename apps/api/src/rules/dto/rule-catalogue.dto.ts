import { ApiProperty } from '@nestjs/swagger';
import {
  type Basis,
  type DueComputation,
  EXTRA_NON_WORKING_DAYS,
  type ExtraNonWorkingDay,
  RULE_IDS,
  type RuleId,
} from '@fristvagt/domain';

// Records rather than arrays, so the compiler says when the domain gains a basis or a kind of due.
export const BASES = Object.keys({
  statute: true,
  guidance: true,
  'municipal-standard': true,
} satisfies Record<Basis, true>);
const DUE_KINDS = Object.keys({
  'days-after': true,
  'months-after': true,
  'months-before-birthday': true,
  'before-birthday': true,
  'processing-time': true,
  'before-measure-start': true,
  'follow-up-interval': true,
  'every-months-from-start': true,
  'hours-after': true,
  'months-after-later-of-birthday': true,
  none: true,
} satisfies Record<DueComputation['kind'], true>);
const EXTRA_DAYS = Object.keys(EXTRA_NON_WORKING_DAYS);

/** The rule pack and version that produced a due or an obligation. */
export class RulePackRefDto {
  @ApiProperty({ example: 'dk-youth' })
  id!: string;

  @ApiProperty({ description: 'Recorded on every obligation the pack produced.', example: '2026.2' })
  version!: string;
}

export class RulePackDto extends RulePackRefDto {
  @ApiProperty({
    example: 'Network councils, contact persons, aftercare and action plans (Serviceloven and Barnets lov).',
  })
  description!: string;
}

export class RulePackDefaultsDto {
  @ApiProperty({
    description: 'Days before the due date a warning is raised, where nothing says otherwise.',
    example: 2,
  })
  warningLeadDays!: number;

  @ApiProperty({
    description:
      'Processing time (sagsbehandlingsfrist) for aftercare requests, in days, unless a municipality publishes another.',
    example: 30,
  })
  aftercareProcessingDays!: number;
}

export class EffectivePeriodDto {
  @ApiProperty({
    description: 'First local date (Europe/Copenhagen) of the triggering fact the variant applies to.',
    example: '2024-01-01',
  })
  from!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Last local date, inclusive; null while in force.',
    example: null,
  })
  to!: string | null;
}

export class DueDefinitionDto {
  @ApiProperty({ enum: DUE_KINDS, example: 'days-after' })
  kind!: DueComputation['kind'];

  @ApiProperty({ example: 'end of local day (trigger date + 7 days)' })
  description!: string;
}

/**
 * How a rule applies in one municipality, in full, where that differs from the pack: opted in, another
 * warning lead, roll-forward to a working day, or a due in days the municipality sets.
 */
export class MunicipalRuleSettingsDto {
  @ApiProperty({ description: 'Kommunekode.', example: '561' })
  municipality!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Esbjerg' })
  name!: string | null;

  @ApiProperty({ description: 'Whether the rule opens obligations in this municipality.', example: true })
  applies!: boolean;

  @ApiProperty({ example: 2 })
  warningLeadDays!: number;

  @ApiProperty({
    description: 'The due rolls forward to the next working day (alerts use the rolled due).',
    example: false,
  })
  rollForward!: boolean;

  @ApiProperty({
    enum: EXTRA_DAYS,
    isArray: true,
    description: 'Days treated as non-working when rolling forward, besides weekends and public holidays.',
    example: [],
  })
  extraNonWorkingDays!: ExtraNonWorkingDay[];

  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      "Days after the trigger the municipality sets as the due: its processing time for a 'processing-time' " +
      "rule, its own due for a rule without one by statute; null where the rule's due is not in days it sets.",
    example: null,
  })
  dueDays!: number | null;
}

export class RuleDto {
  @ApiProperty({ enum: RULE_IDS, example: 'NSR-CONVENE' })
  ruleId!: RuleId;

  @ApiProperty({
    description: 'Which version of the rule; one rule has a variant per legal regime.',
    example: 'barnets-lov',
  })
  variant!: string;

  @ApiProperty({
    example:
      'Convene a network council (netværkssamråd) no later than 7 days after receiving police documentation',
  })
  title!: string;

  @ApiProperty({
    description: 'The rule in Danish, as the web page and alerts name it.',
    example: 'Netværkssamråd skal indkaldes',
  })
  titleDa!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'How the rule is applied, where the title is not enough.',
  })
  notes!: string | null;

  @ApiProperty({ enum: BASES, example: 'statute' })
  basis!: Basis;

  @ApiProperty({
    example: 'Barnets lov, chapter on young offenders (netværkssamråd); section number to verify',
  })
  citation!: string;

  @ApiProperty({ description: 'False where the citation is still to be verified.', example: false })
  citationVerified!: boolean;

  @ApiProperty({ type: EffectivePeriodDto })
  effective!: EffectivePeriodDto;

  @ApiProperty({ type: DueDefinitionDto })
  due!: DueDefinitionDto;

  @ApiProperty({ description: 'Days before the due date a warning is raised.', example: 2 })
  warningLeadDays!: number;

  @ApiProperty({
    description: 'Opened only where a municipality switches it on (municipal standards).',
    example: false,
  })
  optIn!: boolean;

  @ApiProperty({
    type: [MunicipalRuleSettingsDto],
    description:
      "The caller's municipalities where the rule applies differently from the pack (every such municipality for a " +
      'national key); empty where it applies as the pack says.',
  })
  municipalOverrides!: MunicipalRuleSettingsDto[];
}

export class RuleCatalogueDto {
  @ApiProperty({ type: RulePackDto })
  rulePack!: RulePackDto;

  @ApiProperty({ type: RulePackDefaultsDto })
  defaults!: RulePackDefaultsDto;

  @ApiProperty({ type: [RuleDto], description: 'Every variant of every rule, in the order of the pack.' })
  rules!: RuleDto[];
}
