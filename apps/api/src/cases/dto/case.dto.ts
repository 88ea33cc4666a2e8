import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ObligationState, OpenedCaseState } from '@fristvagt/domain';
import { FactRefView, OpenedObligationView, SupersededView } from './outcome.dto';

export class PersonView {
  @ApiProperty({
    example: '010310-XXXX',
    description: 'Masked as DDMMYY-XXXX, except for the roles that need the full number (supervisor, admin).',
  })
  cpr!: string;
  @ApiProperty({ example: true })
  masked!: boolean;
  @ApiProperty({ example: '2010-03-01' })
  birthDate!: string;
}

export class ObligationView extends OpenedObligationView {
  @ApiProperty({ enum: ['open', 'fulfilled', 'cancelled', 'waived'] })
  status!: ObligationState['status'];
  @ApiProperty({ description: 'Passed its due instant while open.' })
  breached!: boolean;
  @ApiProperty({ nullable: true })
  breachedAt!: string | null;
  @ApiProperty({ description: 'The warning before the due instant has been given.' })
  warned!: boolean;
  @ApiProperty()
  openedAt!: string;
  @ApiProperty({ nullable: true })
  fulfilledAt!: string | null;
  @ApiProperty({ nullable: true, type: Boolean })
  onTime!: boolean | null;
  @ApiProperty({
    type: FactRefView,
    nullable: true,
    description:
      'Cancelled as superseded-by-late-fact: the fact posted late that showed it should not have opened.',
  })
  supersededBy!: FactRefView | null;
}

export class ObligationsView {
  @ApiProperty({ type: [ObligationView], description: 'Open obligations, soonest due first.' })
  open!: ObligationView[];
  @ApiProperty({ type: [ObligationView], description: 'Fulfilled, cancelled or waived.' })
  closed!: ObligationView[];
  @ApiProperty({
    type: [SupersededView],
    description:
      'What facts posted late changed: each obligation cancelled as superseded-by-late-fact, with the ' +
      'obligations opened in its place.',
  })
  superseded!: SupersededView[];
}

/** A case as it stands: who (masked), where, what has happened, and every obligation with its state. */
export class CaseView {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;
  @ApiProperty({ example: '461' })
  municipality!: string;
  @ApiProperty({ example: 3, description: 'The stream revision; the ETag header carries it too.' })
  revision!: number;
  @ApiPropertyOptional({ type: PersonView, nullable: true })
  person!: PersonView | null;
  @ApiProperty({ example: { 'placement-1': { startedAt: '2026-01-05T09:00:00Z', endedAt: null } } })
  placements!: OpenedCaseState['placements'];
  @ApiProperty({ example: { 'pol-2026-0042': { receivedAt: '2026-03-25T10:00:00Z' } } })
  policeDocumentation!: OpenedCaseState['documentation'];
  @ApiProperty({ type: Object })
  councils!: OpenedCaseState['councils'];
  @ApiProperty({ type: Object })
  plans!: OpenedCaseState['plans'];
  @ApiProperty({ type: Object })
  contactPersonMeasures!: OpenedCaseState['measures'];
  @ApiProperty({ type: Object })
  aftercareRequests!: OpenedCaseState['aftercareRequests'];
  @ApiProperty({ type: Object })
  aftercare!: OpenedCaseState['aftercare'];
  @ApiProperty({
    example: { 'underretning-1': { receivedAt: '2026-03-28T12:00:00.000Z', assessedAt: null } },
    description: 'Notifications of concern (underretninger) by id.',
  })
  notificationsOfConcern!: OpenedCaseState['notifications'];
  @ApiProperty({
    example: {
      'bfu-1': { startedAt: '2026-03-28T13:00:00.000Z', preliminaryAssessmentAt: null, completedAt: null },
    },
    description: 'Child welfare investigations (børnefaglige undersøgelser) by id.',
  })
  investigations!: OpenedCaseState['investigations'];
  @ApiProperty({ type: ObligationsView })
  obligations!: ObligationsView;
}

export class CaseSummaryView {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;
  @ApiProperty({ example: '461' })
  municipality!: string;
  @ApiProperty({ example: 3 })
  revision!: number;
}

export class CaseLookupResult {
  @ApiProperty({
    type: [CaseSummaryView],
    description: "The person's cases within the API key's municipalities.",
  })
  cases!: CaseSummaryView[];
}
