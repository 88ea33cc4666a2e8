import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { MUNICIPAL_SETTINGS_BOUNDS, RULE_IDS } from '@fristvagt/domain';

const { aftercareProcessingDays, reoffenceAssessmentDays, warningLeadDays } = MUNICIPAL_SETTINGS_BOUNDS;

/**
 * What an admin records: the municipality's whole settings from `effectiveFrom` on. The fields are checked by
 * the domain (validateMunicipalSettings), which names the field of the first problem; `@Allow` only admits
 * them past the global pipe, which refuses any other field.
 */
export class RecordMunicipalSettingsDto {
  @ApiProperty({
    description:
      "Copenhagen local date from which the settings apply, by the local date of a case's triggering fact. Not " +
      "before the rule pack's first date, at most a year ahead. Obligations already opened keep their due.",
    format: 'date',
    example: '2027-01-01',
  })
  @Allow()
  effectiveFrom!: string;

  @ApiPropertyOptional({
    description:
      'Rules whose due rolls forward to the next working day, or `"all"`. AC-END and instant-based dues are never rolled.',
    oneOf: [
      { type: 'string', enum: ['all'] },
      { type: 'array', items: { type: 'string', enum: [...RULE_IDS] } },
    ],
    example: ['NSR-CONVENE', 'NSR-HOLD'],
  })
  @Allow()
  rollForward?: string[] | 'all';

  @ApiPropertyOptional({
    description:
      'Extra non-working days when rolling forward: 5 June, 24 and 31 December, as `MM-DD` (or a full date, ' +
      'whose year is not kept).',
    type: [String],
    example: ['06-05', '12-24', '12-31'],
  })
  @Allow()
  extraNonWorkingDays?: string[];

  @ApiPropertyOptional({
    description: 'Published processing time for an aftercare request (AC-DECIDE), in days.',
    minimum: aftercareProcessingDays.min,
    maximum: aftercareProcessingDays.max,
    example: 21,
  })
  @Allow()
  aftercareProcessingDays?: number;

  @ApiPropertyOptional({
    description:
      'Municipal-standard rules (basis municipal-standard, e.g. CP-STATUS) this municipality applies.',
    type: [String],
    example: ['CP-STATUS'],
  })
  @Allow()
  municipalStandardRules?: string[];

  @ApiPropertyOptional({
    description:
      `Warning lead per rule id, in whole days from ${warningLeadDays.min} to ${warningLeadDays.max}: a number or ` +
      'an ISO-8601 duration of whole days (`P3D`, `P1W`, `PT48H`).',
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'integer' }, { type: 'string' }] },
    example: { 'NSR-CONVENE': 'P3D', 'AC-DECIDE': 5 },
  })
  @Allow()
  warningLeads?: Record<string, number | string>;

  @ApiPropertyOptional({
    description: 'Days after the trigger within which an NSR-REOFFENCE assessment is due (no statutory due).',
    minimum: reoffenceAssessmentDays.min,
    maximum: reoffenceAssessmentDays.max,
    example: 14,
  })
  @Allow()
  reoffenceAssessmentDays?: number;
}

export class MunicipalSettingsValuesDto {
  @ApiPropertyOptional({
    oneOf: [
      { type: 'string', enum: ['all'] },
      { type: 'array', items: { type: 'string' } },
    ],
  })
  rollForward?: string[] | 'all';

  @ApiPropertyOptional({
    type: [String],
    description: 'As the calendar names them: constitution-day, christmas-eve, new-years-eve.',
    example: ['christmas-eve'],
  })
  extraNonWorkingDays?: string[];

  @ApiPropertyOptional({ example: 21 })
  aftercareProcessingDays?: number;

  @ApiPropertyOptional({ type: [String], example: ['CP-STATUS'] })
  municipalStandardRules?: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'Warning lead in days, per rule id.',
    example: { 'NSR-CONVENE': 3 },
  })
  warningLeadDays?: Record<string, number>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'Municipal dues in days after the trigger, per rule id (NSR-REOFFENCE).',
    example: { 'NSR-REOFFENCE': 14 },
  })
  dueDays?: Record<string, number>;
}

export class MunicipalSettingsEntryDto {
  @ApiProperty({ format: 'date', example: '2027-01-01' })
  effectiveFrom!: string;

  @ApiProperty({
    type: MunicipalSettingsValuesDto,
    description: 'The whole settings from `effectiveFrom` on.',
  })
  settings!: MunicipalSettingsValuesDto;

  @ApiProperty({ format: 'date-time', example: '2026-12-01T09:00:00.000Z' })
  recordedAt!: string;

  @ApiProperty({ description: 'Key id of the admin who recorded it.', example: 'k-admin-461' })
  by!: string;
}

export class MunicipalSettingsDto {
  @ApiProperty({ example: '461' })
  municipality!: string;

  @ApiProperty({
    description: 'The number of entries; the ETag, and what If-Match names. 0: none recorded yet.',
    example: 1,
  })
  version!: number;

  @ApiProperty({
    type: [MunicipalSettingsEntryDto],
    description:
      'Every entry in the order recorded. On a date, the entry with the latest effectiveFrom on or before it ' +
      "applies (of two with the same date, the later recorded); before the first, the compiled pack's settings.",
  })
  entries!: MunicipalSettingsEntryDto[];
}
