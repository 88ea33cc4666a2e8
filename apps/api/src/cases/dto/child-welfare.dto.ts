import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsDefined, IsOptional, IsString, MaxLength } from 'class-validator';
import { FactDto } from './command.dto';
import { HasNoCprNumber, IsOpaqueId } from './validators';

const REASONING_MAX = 2_000;

export class RecordNotificationOfConcernDto extends FactDto {
  @ApiProperty({
    description:
      "The case system's id of the notification of concern (underretning). `occurredAt` is when it was received: " +
      'the assessment is due 24 hours later, to the minute.',
    example: 'underretning-2026-0117',
  })
  @IsDefined()
  @IsOpaqueId()
  notificationId!: string;
}

export class AssessNotificationOfConcernDto extends FactDto {
  @ApiProperty({
    description: "Whether the child's health or development is at risk so that acute measures are needed.",
    example: false,
  })
  @IsDefined()
  @IsBoolean()
  acuteMeasuresNeeded!: boolean;

  @ApiProperty({ example: 'No acute risk; the school follows up.', maxLength: REASONING_MAX })
  @IsDefined()
  @IsString()
  @MaxLength(REASONING_MAX)
  @HasNoCprNumber()
  reasoning!: string;
}

export class StartInvestigationDto extends FactDto {
  @ApiProperty({
    description:
      "The case system's id of the investigation (børnefaglig undersøgelse). `occurredAt` is when the " +
      'municipality became aware that the child may need support: the 4 months run from then.',
    example: 'bfu-2026-0031',
  })
  @IsDefined()
  @IsOpaqueId()
  investigationId!: string;

  @ApiPropertyOptional({
    description: 'The notification of concern that led to it, if any.',
    example: 'underretning-2026-0117',
  })
  @IsOptional()
  @IsOpaqueId()
  notificationId?: string;
}

export class RecordPreliminaryAssessmentDto extends FactDto {
  @ApiProperty({
    description: 'Why the investigation could not be completed within 4 months, and the assessment so far.',
    example: 'Waiting for the psychologist; no change to the support meanwhile.',
    maxLength: REASONING_MAX,
  })
  @IsDefined()
  @IsString()
  @MaxLength(REASONING_MAX)
  @HasNoCprNumber()
  reasoning!: string;
}

export class RecordYouthPlanDto extends FactDto {
  @ApiProperty({ description: "The case system's id of the youth plan (ungeplan).", example: 'ungeplan-1' })
  @IsDefined()
  @IsOpaqueId()
  planId!: string;

  @ApiPropertyOptional({
    description:
      'The contact-person measure the plan is for; omitted, it answers every open youth-plan duty.',
    example: 'measure-1',
  })
  @IsOptional()
  @IsOpaqueId()
  measureId?: string;
}
