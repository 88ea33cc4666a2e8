import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsOptional, ValidateBy } from 'class-validator';
import { type Basis, RULE_IDS, RULE_PACKS, type RuleDue, type RuleId } from '@fristvagt/domain';
import { IsKommunekode, IsLocalDate, IsUtcInstant } from '../../cases/dto/validators';
import { BASES, RulePackRefDto } from './rule-catalogue.dto';

const PACK_VERSIONS = RULE_PACKS.map((pack) => pack.version);

/** Which version of the rule pack to read; the current one when absent. */
export class RulePackVersionQueryDto {
  @ApiPropertyOptional({
    description:
      'A version of the rule pack (the obligations of a case name the version that opened them). Default: the current one.',
    enum: PACK_VERSIONS,
    example: PACK_VERSIONS[0],
  })
  @IsOptional()
  @IsIn(PACK_VERSIONS)
  version?: string;
}

/** What both forms of the due calculator take: the trigger's instant, the municipality and the pack version. */
class RuleDueTriggerDto extends RulePackVersionQueryDto {
  @ApiProperty({
    description:
      'When the triggering fact happened, ISO-8601 UTC ending in Z. Its local date picks the variant.',
    format: 'date-time',
    example: '2026-03-25T10:00:00Z',
  })
  @IsDefined()
  @IsUtcInstant()
  from!: string;

  @ApiPropertyOptional({
    description:
      "Kommunekode whose settings apply. Default: the API key's municipality when it has exactly one; else the " +
      "pack's defaults. A municipality outside the key's scope is refused with 403.",
    pattern: '^\\d{3}$',
    example: '461',
  })
  @IsOptional()
  @IsKommunekode()
  municipality?: string;
}

/** Personal data in a query string ends up in every proxy's access log, so it is refused there. */
const RefusedInQuery = (): PropertyDecorator =>
  ValidateBy({
    name: 'personal-data-in-query',
    validator: {
      // Runs only when the parameter is there (IsOptional).
      validate: () => false,
      defaultMessage: (args) =>
        `${args?.property ?? 'this parameter'} is personal data and must not be sent in a URL: send it in the JSON body of ` +
        'POST /v1/rules/{ruleId}/due instead',
    },
  });

/** `GET /v1/rules/{ruleId}/due`: for rules that need no birth date. */
export class RuleDueQueryDto extends RuleDueTriggerDto {
  // Not documented as a query parameter: it is declared only to answer personal-data-in-query.
  @IsOptional()
  @RefusedInQuery()
  birthDate?: never;
}

/** `POST /v1/rules/{ruleId}/due`: the same inputs, in a body, so a birth date never reaches a URL. */
export class RuleDueRequestDto extends RuleDueTriggerDto {
  @ApiPropertyOptional({
    description:
      "The youth's birth date, for the rules counted from a birthday (AC-ASSESS, AC-END, UNGEPLAN).",
    format: 'date',
    example: '2010-08-31',
  })
  @IsOptional()
  @IsLocalDate()
  birthDate?: string;
}

export class RuleDueDto implements RuleDue {
  @ApiProperty({ enum: RULE_IDS, example: 'NSR-CONVENE' })
  ruleId!: RuleId;

  @ApiProperty({ description: 'The variant in effect on the local date of `from`.', example: 'barnets-lov' })
  variant!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "The municipality whose settings were applied; null for the pack's defaults.",
    example: '461',
  })
  municipality!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'The breach instant by strict calendar days: 00:00 local after the due date, in UTC. Null where the rule has no due.',
    example: '2026-04-01T22:00:00.000Z',
  })
  strictDueAt!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'The breach instant rolled forward to a working day, where the municipality rolls this rule forward.',
    example: null,
  })
  rolledDueAt!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'The local date (Europe/Copenhagen) the due falls at the end of: the rolled one where there is one.',
    example: '2026-04-01',
  })
  localDueDate!: string | null;

  @ApiProperty({ enum: BASES, example: 'statute' })
  basis!: Basis;

  @ApiProperty({
    example: 'Barnets lov, chapter on young offenders (netværkssamråd); section number to verify',
  })
  citation!: string;

  @ApiProperty({ example: false })
  citationVerified!: boolean;

  @ApiProperty({ type: RulePackRefDto })
  rulePack!: RulePackRefDto;
}
