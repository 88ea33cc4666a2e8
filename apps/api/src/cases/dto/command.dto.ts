import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  CONTACT_PERSON_END_REASONS,
  COUNCIL_NOT_HELD_REASONS,
  INVITEE_ROLES,
  OFFENCE_CATEGORIES,
  PLAN_ASSESSMENT_OUTCOMES,
  PLAN_KINDS,
  PLAN_REVISION_REASONS,
  POLICE_DOCUMENTATION_KINDS,
  type ContactPersonEndReason,
  type CouncilNotHeldReason,
  type InviteeRole,
  type OffenceCategory,
  type PlanAssessmentOutcome,
  type PlanKind,
  type PlanRevisionReason,
  type PoliceDocumentationKind,
} from '@fristvagt/domain';
import {
  HasNoCprNumber,
  IsCprNumber,
  IsKommunekode,
  IsLocalDate,
  IsOpaqueId,
  IsPossibleCprDate,
  IsUtcInstant,
} from './validators';

const SHORT_TEXT = 2_000;
const LONG_TEXT = 20_000;

/**
 * Free text as the case worker wrote it: a string of at most `maxLength` characters, stored in the event log
 * as written, so never with a CPR number in it.
 */
function FreeText(presence: 'required' | 'optional', options: ApiPropertyOptions & { maxLength: number }) {
  // In the order stacked decorators apply (bottom up), so errors are listed as they were when written out.
  return applyDecorators(
    HasNoCprNumber(),
    MaxLength(options.maxLength),
    IsString(),
    presence === 'required' ? IsDefined() : IsOptional(),
    presence === 'required' ? ApiProperty(options) : ApiPropertyOptional(options),
  );
}

/** Every fact carries the moment it happened in the world; every deadline counts from it. */
export abstract class FactDto {
  @ApiProperty({
    description: 'When it happened (business time), ISO-8601 UTC ending in Z.',
    example: '2026-03-25T10:00:00Z',
  })
  @IsDefined()
  @IsUtcInstant()
  occurredAt!: string;
}

// ---------------------------------------------------------------- case

export class OpenCaseDto extends FactDto {
  @ApiProperty({
    description:
      "The youth's CPR number. Encrypted at rest, found again by a keyed hash, masked in responses. Never put it in a URL.",
    example: '0103101234',
  })
  @IsDefined()
  @IsString()
  @IsCprNumber()
  @IsPossibleCprDate()
  cpr!: string;

  @ApiProperty({ description: 'Kommunekode of the municipality that owns the case.', example: '461' })
  @IsDefined()
  @IsKommunekode()
  municipality!: string;
}

export class StartPlacementDto extends FactDto {
  @ApiProperty({ description: "The case system's id of the placement.", example: 'placement-1' })
  @IsDefined()
  @IsOpaqueId()
  placementId!: string;
}

export class EndPlacementDto extends FactDto {
  @FreeText('optional', { example: 'returned home', maxLength: SHORT_TEXT })
  reason?: string;
}

export class TransferCaseDto extends FactDto {
  @ApiProperty({ description: 'Kommunekode of the municipality taking over the case.', example: '101' })
  @IsDefined()
  @IsKommunekode()
  toMunicipality!: string;
}

// ---------------------------------------------------------------- network council

export class PoliceNotificationDto extends FactDto {
  @ApiProperty({ description: "The case system's id of the police documentation.", example: 'pol-2026-0042' })
  @IsDefined()
  @IsOpaqueId()
  documentationId!: string;

  @ApiProperty({ enum: POLICE_DOCUMENTATION_KINDS, example: 'interview-invitation' })
  @IsDefined()
  @IsIn(POLICE_DOCUMENTATION_KINDS)
  kind!: PoliceDocumentationKind;

  @ApiProperty({
    enum: OFFENCE_CATEGORIES,
    isArray: true,
    example: ['robbery'],
    description: 'What the youth is suspected of; at least one.',
  })
  @IsDefined()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(OFFENCE_CATEGORIES.length)
  @IsIn(OFFENCE_CATEGORIES, { each: true })
  offenceCategories!: OffenceCategory[];
}

export class TargetGroupAssessmentDto extends FactDto {
  @ApiProperty({
    example: true,
    description: 'Whether the youth belongs to the target group of a network council.',
  })
  @IsDefined()
  @IsBoolean()
  inTargetGroup!: boolean;

  @FreeText('required', { example: 'Suspected of robbery; under 18.', maxLength: SHORT_TEXT })
  reasoning!: string;
}

export class CouncilPersonDto {
  @ApiProperty({ enum: INVITEE_ROLES, example: 'custody-holder' })
  @IsDefined()
  @IsIn(INVITEE_ROLES)
  role!: InviteeRole;

  @FreeText('optional', {
    example: 'mother',
    maxLength: 200,
    description: 'A role description, never a name.',
  })
  description?: string;
}

export class ConveneCouncilDto extends FactDto {
  @ApiProperty({ example: 'council-1' })
  @IsDefined()
  @IsOpaqueId()
  councilId!: string;

  @ApiPropertyOptional({ example: 'pol-2026-0042', description: 'The police documentation it answers.' })
  @IsOptional()
  @IsOpaqueId()
  documentationId?: string;

  @ApiProperty({ type: [CouncilPersonDto], example: [{ role: 'youth' }, { role: 'custody-holder' }] })
  @IsDefined()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => CouncilPersonDto)
  invitees!: CouncilPersonDto[];

  @ApiProperty({ example: '2026-03-30', description: 'The date of the meeting (Danish local date).' })
  @IsDefined()
  @IsLocalDate()
  meetingDate!: string;
}

export class CouncilHeldDto extends FactDto {
  @ApiProperty({ type: [CouncilPersonDto], example: [{ role: 'youth' }, { role: 'professional' }] })
  @IsDefined()
  @IsArray()
  @ArrayMaxSize(50)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => CouncilPersonDto)
  participants!: CouncilPersonDto[];

  @ApiProperty({ example: ['School attendance plan'], maxItems: 50 })
  @IsDefined()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(SHORT_TEXT, { each: true })
  @HasNoCprNumber({ each: true })
  agreements!: string[];
}

export class CouncilNotHeldDto extends FactDto {
  @ApiProperty({ enum: COUNCIL_NOT_HELD_REASONS, example: 'youth-declined' })
  @IsDefined()
  @IsIn(COUNCIL_NOT_HELD_REASONS)
  reason!: CouncilNotHeldReason;

  @FreeText('optional', { example: 'Declined by phone', maxLength: SHORT_TEXT })
  note?: string;
}

export class CouncilFollowUpDto extends FactDto {
  @FreeText('optional', { example: 'Agreements kept', maxLength: SHORT_TEXT })
  note?: string;
}

// ---------------------------------------------------------------- action plan

/** What a plan fact is about; naming nothing means the whole case. */
export abstract class PlanScopeDto extends FactDto {
  @ApiPropertyOptional({ example: 'council-1' })
  @IsOptional()
  @IsOpaqueId()
  councilId?: string;

  @ApiPropertyOptional({ example: 'pol-2026-0042' })
  @IsOptional()
  @IsOpaqueId()
  documentationId?: string;

  @ApiPropertyOptional({ example: 'measure-7' })
  @IsOptional()
  @IsOpaqueId()
  measureId?: string;
}

export class AdoptPlanDto extends PlanScopeDto {
  @ApiProperty({ example: 'plan-1' })
  @IsDefined()
  @IsOpaqueId()
  planId!: string;

  @ApiPropertyOptional({ enum: PLAN_KINDS, example: 'action-plan' })
  @IsOptional()
  @IsIn(PLAN_KINDS)
  kind?: PlanKind;
}

export class RevisePlanDto extends PlanScopeDto {
  @ApiProperty({ example: 'plan-1' })
  @IsDefined()
  @IsOpaqueId()
  planId!: string;

  @ApiProperty({ enum: PLAN_REVISION_REASONS, example: 're-offence' })
  @IsDefined()
  @IsIn(PLAN_REVISION_REASONS)
  reason!: PlanRevisionReason;
}

export class AssessPlanRevisionDto extends PlanScopeDto {
  @ApiPropertyOptional({ example: 'plan-1' })
  @IsOptional()
  @IsOpaqueId()
  planId?: string;

  @ApiProperty({ enum: PLAN_REVISION_REASONS, example: 'follow-up-outcome' })
  @IsDefined()
  @IsIn(PLAN_REVISION_REASONS)
  occasion!: PlanRevisionReason;

  @ApiProperty({ enum: PLAN_ASSESSMENT_OUTCOMES, example: 'no-change-needed' })
  @IsDefined()
  @IsIn(PLAN_ASSESSMENT_OUTCOMES)
  outcome!: PlanAssessmentOutcome;

  @FreeText('required', { example: 'The plan still fits.', maxLength: SHORT_TEXT })
  reasoning!: string;
}

// ---------------------------------------------------------------- contact person

export class DecideContactPersonDto extends FactDto {
  @ApiProperty({ example: 'measure-7' })
  @IsDefined()
  @IsOpaqueId()
  measureId!: string;

  @ApiPropertyOptional({
    example: true,
    description: 'Barnets lov § 91: whether the municipality decided a plan is needed. Default true.',
  })
  @IsOptional()
  @IsBoolean()
  planRequired?: boolean;
}

export class RecordFollowUpDto extends FactDto {
  @ApiPropertyOptional({
    example: 6,
    minimum: 1,
    maximum: 12,
    description:
      'Months to the next follow-up, where the municipality decides it; omitted keeps the interval.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(12)
  nextIntervalMonths?: number;
}

export class StatusStatementDto extends FactDto {
  @FreeText('required', { example: 'I like meeting my contact person.', maxLength: LONG_TEXT })
  youthOwnWords!: string;
}

export class EndContactPersonDto extends FactDto {
  @ApiProperty({ enum: CONTACT_PERSON_END_REASONS, example: 'goal-met' })
  @IsDefined()
  @IsIn(CONTACT_PERSON_END_REASONS)
  reason!: ContactPersonEndReason;

  @FreeText('optional', { example: 'Back in school', maxLength: SHORT_TEXT })
  note?: string;
}

// ---------------------------------------------------------------- aftercare

export class AssessAftercareDto extends FactDto {
  @ApiPropertyOptional({ example: 'request-1', description: 'The request this answers, if any.' })
  @IsOptional()
  @IsOpaqueId()
  requestId?: string;

  @ApiProperty({ example: true })
  @IsDefined()
  @IsBoolean()
  offered!: boolean;

  @FreeText('optional', { example: 'Contact person until 21', maxLength: SHORT_TEXT })
  content?: string;

  @FreeText('optional', { example: 'Needs support through education', maxLength: SHORT_TEXT })
  reasoning?: string;
}

export class RequestAftercareDto extends FactDto {
  @ApiProperty({ example: 'request-1' })
  @IsDefined()
  @IsOpaqueId()
  requestId!: string;
}

export class GrantAftercareDto extends FactDto {
  @ApiProperty({ example: 'aftercare-1' })
  @IsDefined()
  @IsOpaqueId()
  aftercareId!: string;

  @ApiPropertyOptional({ example: 'request-1' })
  @IsOptional()
  @IsOpaqueId()
  requestId?: string;

  @ApiProperty({ example: '2026-06-01' })
  @IsDefined()
  @IsLocalDate()
  startDate!: string;

  @FreeText('optional', { example: 'Contact person', maxLength: SHORT_TEXT })
  content?: string;
}

export class AftercareDeclinedDto extends FactDto {
  @ApiPropertyOptional({ example: 'request-1' })
  @IsOptional()
  @IsOpaqueId()
  requestId?: string;

  @FreeText('optional', { example: 'Declined at the meeting', maxLength: SHORT_TEXT })
  note?: string;
}

export class EndAftercareDto extends FactDto {
  @FreeText('optional', { example: 'moved abroad', maxLength: SHORT_TEXT })
  reason?: string;
}

// ---------------------------------------------------------------- obligations

export class WaiveObligationDto extends FactDto {
  @FreeText('required', {
    example: 'The youth moved abroad; the council cannot be held.',
    maxLength: SHORT_TEXT,
  })
  justification!: string;
}

/** Facts without fields of their own (starting a contact-person measure). */
export class BareFactDto extends FactDto {}

// ---------------------------------------------------------------- queries

export class CaseLookupDto {
  @ApiProperty({
    description: 'The CPR number to find cases for; in the body, never in a URL.',
    example: '0103101234',
  })
  @IsDefined()
  @IsString()
  @IsCprNumber()
  @IsPossibleCprDate()
  cpr!: string;
}
