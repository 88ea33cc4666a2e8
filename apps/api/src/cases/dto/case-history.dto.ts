import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import type { Basis } from '@fristvagt/domain';
import { codeValidator } from '../../http/validators';
import { toUtcInstant } from '../../obligations/dto/obligations-query.dto';
import { BASES, RulePackRefDto } from '../../rules/dto/rule-catalogue.dto';
import { SubjectView } from './outcome.dto';

const IsInstant = () =>
  codeValidator(
    'invalid-instant',
    (value) => toUtcInstant(value) !== undefined,
    'must be an ISO-8601 instant with Z or an offset, e.g. 2026-04-01T00:00:00Z or 2026-04-01T00:00:00%2B02:00',
  );

/** GET /v1/cases/{caseId}/history: business time and record time, each optional. */
export class CaseHistoryQueryDto {
  @ApiPropertyOptional({
    description:
      'Business time: only facts that occurred at or before this instant (ISO-8601 with Z or an offset; send + as %2B). Default: every one.',
    format: 'date-time',
    example: '2026-04-01T00:00:00Z',
  })
  @IsOptional()
  @IsInstant()
  asOf?: string;

  @ApiPropertyOptional({
    description:
      'Record time: only events recorded at or before this instant, as Fristvagt knew the case then (ISO-8601 with Z or an offset). Default: everything recorded.',
    format: 'date-time',
    example: '2026-04-03T08:00:00+02:00',
  })
  @IsOptional()
  @IsInstant()
  knownAt?: string;
}

const OPEN_STATES = ['open', 'warned', 'breached'] as const;
const CASE_PHASES = [
  'not-opened',
  'aftercare',
  'placement',
  'contact-person',
  'network-council',
  'open',
] as const;

export class OpenObligationStateDto {
  @ApiProperty({ example: 'NSR-HOLD:council:c-1' })
  obligationId!: string;
  @ApiProperty({ example: 'NSR-HOLD' })
  ruleId!: string;
  @ApiProperty({ type: String, nullable: true, example: '2026-03-26T23:00:00.000Z' })
  dueAt!: string | null;
  @ApiProperty({
    enum: OPEN_STATES,
    description: 'warned: its warning instant passed; breached: its due passed (a breach event is shown).',
    example: 'open',
  })
  state!: (typeof OPEN_STATES)[number];
}

export class ObligationCountsDto {
  @ApiProperty({ example: 1 }) open!: number;
  @ApiProperty({ example: 0 }) warned!: number;
  @ApiProperty({ example: 1 }) breached!: number;
  @ApiProperty({ example: 2 }) 'fulfilled-on-time'!: number;
  @ApiProperty({ example: 0 }) 'fulfilled-late'!: number;
  @ApiProperty({ example: 1 }) cancelled!: number;
  @ApiProperty({ example: 0 }) waived!: number;
}

/** The case after one event, folded with the domain's evolve over the events shown up to it. */
export class CaseStateViewDto {
  @ApiProperty({
    enum: CASE_PHASES,
    description:
      'By precedence: not-opened; aftercare (granted, not ended); placement (active); contact-person (active); network-council (convened, no outcome yet); open.',
    example: 'network-council',
  })
  phase!: (typeof CASE_PHASES)[number];
  @ApiProperty({ type: [OpenObligationStateDto], description: 'The obligations open after the event.' })
  openObligations!: OpenObligationStateDto[];
  @ApiProperty({
    type: ObligationCountsDto,
    description:
      'Every obligation opened so far by its standing after the event; a closed one keeps the standing of its closing step (see `obligations[].life`).',
  })
  counts!: ObligationCountsDto;
}

export class CaseHistoryEvent {
  @ApiProperty({ description: 'The revision of the event in the case stream, from 0.', example: 1 })
  revision!: number;
  @ApiProperty({ format: 'uuid', example: '6f1d2a7e-3c4b-4e5f-9a8b-7c6d5e4f3a2b' })
  eventId!: string;
  @ApiProperty({ example: 'PoliceDocumentationReceived' })
  type!: string;
  @ApiProperty({ description: 'When it happened (business time).', example: '2026-03-25T10:00:00.000Z' })
  occurredAt!: string;
  @ApiProperty({
    description: 'When Fristvagt stored it (record time).',
    example: '2026-03-25T10:00:01.318Z',
  })
  recordedAt!: string;
  @ApiProperty({
    description: 'Who caused it: the id of the API key, or `scheduler` for the deadline engine’s wake-ups.',
    example: 'k_4f9a2c',
  })
  actor!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'The role of the actor’s API key (integration, supervisor, auditor, admin), `system` for the deadline engine; null when no key store knows it. Never a name.',
    example: 'integration',
  })
  actorRole!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The event’s data, field by field from an allow-list per event type: ids, dates, rule ids, codes, assessments’ reasoning and waivers’ justification. Never the CPR number (its ciphertext and lookup hash are left out; `personRecorded` says whether there is one), names, notes, agreements, the youth’s own words or the content of support.',
    example: {
      documentationId: 'pol-2026-0042',
      kind: 'interview-invitation',
      offenceCategories: ['robbery'],
    },
  })
  data!: Record<string, unknown>;
  @ApiProperty({
    type: CaseStateViewDto,
    description: 'The case after this event, within `asOf` and `knownAt`.',
  })
  stateAfter!: CaseStateViewDto;
}

export const LIFE_KINDS = ['opened', 'warned', 'breached', 'fulfilled', 'cancelled', 'waived'] as const;
export type LifeKind = (typeof LIFE_KINDS)[number];

/** One step in the life of an obligation: one obligation event of the case stream. */
export class ObligationLifeEntry {
  @ApiProperty({ enum: LIFE_KINDS, example: 'fulfilled' })
  kind!: LifeKind;
  @ApiProperty({
    description:
      'Business time: the fact that opened, fulfilled or cancelled it; the due instant for a breach; the warning instant for a warning; the waiver.',
    example: '2026-03-30T09:12:00.000Z',
  })
  at!: string;
  @ApiProperty({ example: '2026-03-30T09:12:00.845Z' })
  recordedAt!: string;
  @ApiProperty({ description: 'The revision of the event in `events`.', example: 7 })
  revision!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Who did it: the API key that posted the fact, or the supervisor who waived; null for warnings and breaches, which the deadline engine detects.',
    example: 'k_4f9a2c',
  })
  by!: string | null;
  @ApiPropertyOptional({ description: 'Fulfilled: before the due instant.', example: true })
  onTime?: boolean;
  @ApiPropertyOptional({ description: 'Cancelled: why.', example: 'assessed as not in the target group' })
  reason?: string;
  @ApiPropertyOptional({
    description: 'Waived: the written justification.',
    example: 'Handled by the neighbouring municipality',
  })
  justification?: string;
}

export class HistoryObligation {
  @ApiProperty({ example: 'NSR-CONVENE:documentation:pol-2026-0042' })
  obligationId!: string;
  @ApiProperty({ example: 'NSR-CONVENE' })
  ruleId!: string;
  @ApiProperty({
    example:
      'Convene a network council (netværkssamråd) no later than 7 days after receiving police documentation',
  })
  title!: string;
  @ApiProperty({ enum: BASES, example: 'statute' })
  basis!: Basis;
  @ApiProperty({
    example: 'Barnets lov, chapter on young offenders (netværkssamråd); section number to verify',
  })
  citation!: string;
  @ApiProperty({ example: 'barnets-lov' })
  variant!: string;
  @ApiProperty({ type: RulePackRefDto, description: 'The rule pack that opened it.' })
  rulePack!: RulePackRefDto;
  @ApiProperty({ type: SubjectView })
  subject!: SubjectView;
  @ApiProperty({ type: String, nullable: true, example: '2026-04-01T22:00:00.000Z' })
  dueAt!: string | null;
  @ApiProperty({
    enum: ['open', 'fulfilled', 'cancelled', 'waived'],
    description: 'As of the events shown.',
    example: 'fulfilled',
  })
  status!: 'open' | 'fulfilled' | 'cancelled' | 'waived';
  @ApiProperty({ description: 'A breach is among the events shown.', example: false })
  breached!: boolean;
  @ApiProperty({ type: [ObligationLifeEntry], description: 'By revision.' })
  life!: ObligationLifeEntry[];
}

/** A case's events and the life of its obligations, as known at `knownAt` about the moment `asOf`. */
export class CaseHistory {
  @ApiProperty({ format: 'uuid', example: '0b6f3c1e-9f4a-5d2b-8c1e-2a7d4e6f8a90' })
  caseId!: string;
  @ApiProperty({ description: 'Kommunekode of the case now (after any transfer).', example: '461' })
  municipality!: string;
  @ApiProperty({
    description:
      'The revision of the last event recorded at or before `knownAt` (the current revision without it); -1 when none was.',
    example: 9,
  })
  revision!: number;
  @ApiProperty({ type: String, nullable: true, description: 'The `asOf` asked for, in UTC.', example: null })
  asOf!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The `knownAt` asked for, in UTC.',
    example: '2026-04-03T06:00:00.000Z',
  })
  knownAt!: string | null;
  @ApiProperty({ type: [CaseHistoryEvent], description: 'By revision.' })
  events!: CaseHistoryEvent[];
  @ApiProperty({ type: [HistoryObligation], description: 'In the order they were opened.' })
  obligations!: HistoryObligation[];
}
