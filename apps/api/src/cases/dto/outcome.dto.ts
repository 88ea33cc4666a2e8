import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type {
  Basis,
  CaseEvent,
  CaseState,
  ObligationCancelled,
  ObligationFulfilled,
  ObligationNotOpened,
  ObligationOpened,
  ObligationWaived,
  FactRef,
  Subject,
} from '@fristvagt/domain';
import { SUPERSEDED_BY_LATE_FACT } from '@fristvagt/domain';
import { formatPosition, type Position, type RecordedEvent } from '@fristvagt/event-store';
import { toDomainEvent } from '@fristvagt/case-commands';

export class SubjectView {
  @ApiProperty({ example: 'documentation' })
  kind!: string;
  @ApiProperty({ example: 'pol-2026-0042' })
  id!: string;
}

export class FactRefView {
  @ApiProperty({ example: 'CouncilHeld' })
  type!: string;
  @ApiProperty({ example: 'council-1@2026-03-03T10:00:00.000Z', description: 'Stable across replays.' })
  key!: string;
}

export class EarlierFactView extends FactRefView {
  @ApiProperty({
    format: 'uuid',
    description: 'The case it was recorded on: this one or another of the youth.',
  })
  caseId!: string;
  @ApiProperty({ example: '2026-03-03T10:00:00.000Z' })
  occurredAt!: string;
}

export class OpenedObligationView {
  @ApiProperty({ example: 'NSR-CONVENE:documentation:pol-2026-0042' })
  obligationId!: string;
  @ApiProperty({ example: 'NSR-CONVENE' })
  ruleId!: string;
  @ApiProperty({ example: 'standard' })
  variant!: string;
  @ApiProperty({ example: 'Convene a network council' })
  title!: string;
  @ApiProperty({ type: SubjectView })
  subject!: SubjectView;
  @ApiProperty({
    nullable: true,
    example: '2026-04-01T21:59:59.999Z',
    description:
      'The instant that alerts and breaches use (rolled forward where the municipality chose that).',
  })
  dueAt!: string | null;
  @ApiProperty({ nullable: true, example: '2026-04-01', description: 'The Danish local date it falls due.' })
  dueDate!: string | null;
  @ApiProperty({ nullable: true, example: '2026-04-01T21:59:59.999Z' })
  strictDueAt!: string | null;
  @ApiProperty({ nullable: true, example: null })
  rolledDueAt!: string | null;
  @ApiProperty({ nullable: true, example: '2026-03-30T21:59:59.999Z' })
  warnAt!: string | null;
  @ApiProperty({ enum: ['statute', 'guidance', 'municipal-standard'] })
  basis!: Basis;
  @ApiProperty({ example: 'Barnets lov § 57 b, stk. 1' })
  citation!: string;
  @ApiProperty({ example: { id: 'dk-youth', version: '2026.1' } })
  rulePack!: { id: string; version: string };
  @ApiPropertyOptional({
    type: EarlierFactView,
    description:
      'The earlier fact the rule looked at, perhaps in another case of the same youth in the municipality ' +
      '(NSR-REOFFENCE: the council held within the year).',
  })
  refersTo?: EarlierFactView;
  @ApiPropertyOptional({
    type: FactRefView,
    description:
      'Present when opened because a fact posted late changed what its trigger should have opened.',
  })
  lateFact?: FactRefView;
}

/** An obligation cancelled as `superseded-by-late-fact`, and what the late fact opened in its place. */
export class SupersededView {
  @ApiProperty({ example: 'NSR-CONVENE:documentation:pol-2026-0042' })
  obligationId!: string;
  @ApiProperty({ nullable: true, example: 'NSR-CONVENE' })
  ruleId!: string | null;
  @ApiProperty({
    type: FactRefView,
    description: 'The fact posted late that showed it should not have opened.',
  })
  lateFact!: FactRefView;
  @ApiProperty({
    type: [String],
    example: ['NSR-REOFFENCE:documentation:pol-2026-0042'],
    description: 'Obligations the late fact opened for the same subject instead.',
  })
  replacedBy!: string[];
}

/** Supersessions, from the cancelled obligations and those the same late facts opened. */
export function supersededViews(
  cancelled: ReadonlyArray<{
    obligationId: string;
    ruleId: string | null;
    subject: string;
    lateFact: FactRef;
  }>,
  opened: ReadonlyArray<{ obligationId: string; subject: string; lateFact: FactRef | null }>,
): SupersededView[] {
  return cancelled.map((old) => ({
    obligationId: old.obligationId,
    ruleId: old.ruleId,
    lateFact: { type: old.lateFact.type, key: old.lateFact.key },
    replacedBy: opened
      .filter((o) => o.subject === old.subject && o.lateFact?.key === old.lateFact.key)
      .map((o) => o.obligationId),
  }));
}

export class ClosedObligationView {
  @ApiProperty()
  obligationId!: string;
  @ApiProperty({ nullable: true, description: 'Null only if the obligation is not on the case.' })
  ruleId!: string | null;
  @ApiProperty({ nullable: true, description: 'When it was due.', example: '2026-04-01T22:00:00.000Z' })
  dueAt!: string | null;
  @ApiPropertyOptional({ description: 'Fulfilled: within the deadline.' })
  onTime?: boolean;
  @ApiPropertyOptional({ description: 'Fulfilled: when.' })
  fulfilledAt?: string;
  @ApiPropertyOptional({ description: 'Cancelled: why.' })
  reason?: string;
  @ApiPropertyOptional({ description: 'Waived: the written justification.' })
  justification?: string;
}

export class NotOpenedView {
  @ApiProperty({ example: 'NSR-CONVENE' })
  ruleId!: string;
  @ApiProperty({ example: 'youth-over-18' })
  reason!: string;
  @ApiProperty()
  message!: string;
}

export class ObligationChangesView {
  @ApiProperty({ type: [OpenedObligationView] })
  opened!: OpenedObligationView[];
  @ApiProperty({ type: [ClosedObligationView] })
  fulfilled!: ClosedObligationView[];
  @ApiProperty({ type: [ClosedObligationView] })
  cancelled!: ClosedObligationView[];
  @ApiProperty({ type: [ClosedObligationView] })
  waived!: ClosedObligationView[];
  @ApiProperty({
    type: [NotOpenedView],
    description: 'Rules the fact could have triggered but that do not apply.',
  })
  notOpened!: NotOpenedView[];
  @ApiProperty({
    type: [SupersededView],
    description:
      'Obligations a fact posted late showed should never have opened (they are in `cancelled` too, with ' +
      'reason superseded-by-late-fact), each with what was opened in its place (in `opened`).',
  })
  superseded!: SupersededView[];
}

export class AppendedEventView {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ example: 'PoliceDocumentationReceived' })
  type!: string;
  @ApiProperty({ example: 1 })
  revision!: number;
  @ApiProperty({ example: '2026-03-25T10:00:00Z' })
  occurredAt!: string;
}

/** The parts of a stored event an outcome is built from; an event as written and as read back agree on them. */
export type OutcomeEvent = Pick<RecordedEvent, 'id' | 'type' | 'data' | 'revision'> & {
  readonly metadata: Pick<RecordedEvent['metadata'], 'occurredAt'>;
};

/** What a command did: the stream's new revision, the events written, and the obligations they changed. */
export class CommandOutcome {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;
  @ApiProperty({
    example: 1,
    description: "The case stream's revision after the command; send it as If-Match.",
  })
  revision!: number;
  @ApiProperty({
    example: '7801234:55',
    description:
      "Where the command's last event stands in the global log. Pass it as `minPosition` to a read-model " +
      'query (e.g. GET /v1/obligations) to wait until the query reflects this command.',
  })
  position!: string;
  @ApiProperty({ type: [AppendedEventView] })
  events!: AppendedEventView[];
  @ApiProperty({ type: ObligationChangesView })
  obligations!: ObligationChangesView;
}

/**
 * The response of a command, computed from the events it appended and the state before them only, so a
 * replay (the same Idempotency-Key) rebuilds the very same body from the stored events.
 */
export function commandOutcome(
  caseId: string,
  before: CaseState,
  appended: readonly OutcomeEvent[],
  position: Position,
): CommandOutcome {
  const changes: ObligationChangesView = {
    opened: [],
    fulfilled: [],
    cancelled: [],
    waived: [],
    notOpened: [],
    superseded: [],
  };
  const openedHere = appended
    .map(toDomainEvent)
    .filter((event): event is ObligationOpened => event.type === 'ObligationOpened');
  const ruleOf = (obligationId: string): Pick<ClosedObligationView, 'ruleId' | 'dueAt'> => {
    const known = before.obligations[obligationId];
    if (known !== undefined) return { ruleId: known.ruleId, dueAt: known.dueAt };
    const opened = openedHere.find((event) => event.data.obligationId === obligationId);
    return { ruleId: opened?.data.ruleId ?? null, dueAt: opened?.data.dueAt ?? null };
  };
  for (const recorded of appended) {
    const event: CaseEvent = toDomainEvent(recorded);
    switch (event.type) {
      case 'ObligationOpened':
        changes.opened.push(openedView(event));
        break;
      case 'ObligationFulfilled':
        changes.fulfilled.push(fulfilledView(event, ruleOf(event.data.obligationId)));
        break;
      case 'ObligationCancelled':
        changes.cancelled.push(cancelledView(event, ruleOf(event.data.obligationId)));
        break;
      case 'ObligationWaived':
        changes.waived.push(waivedView(event, ruleOf(event.data.obligationId)));
        break;
      case 'ObligationNotOpened':
        changes.notOpened.push(notOpenedView(event));
        break;
      default:
        break;
    }
  }
  changes.superseded = supersededViews(
    appended
      .map(toDomainEvent)
      .filter(
        (event): event is ObligationCancelled =>
          event.type === 'ObligationCancelled' && event.data.reason === SUPERSEDED_BY_LATE_FACT,
      )
      .map(({ data }) => {
        const known = before.obligations[data.obligationId];
        return {
          obligationId: data.obligationId,
          ruleId: ruleOf(data.obligationId).ruleId,
          subject: known === undefined ? '' : subjectKey(known.subject),
          lateFact: data.by,
        };
      }),
    openedHere.map(({ data }) => ({
      obligationId: data.obligationId,
      subject: subjectKey(data.subject),
      lateFact: data.lateFact ?? null,
    })),
  );
  const last = appended[appended.length - 1];
  return {
    caseId,
    revision: Number(last.revision),
    position: formatPosition(position),
    events: appended.map((event) => ({
      id: event.id,
      type: event.type,
      revision: Number(event.revision),
      occurredAt: event.metadata.occurredAt,
    })),
    obligations: changes,
  };
}

function openedView({ data }: ObligationOpened): OpenedObligationView {
  return {
    obligationId: data.obligationId,
    ruleId: data.ruleId,
    variant: data.variant,
    title: data.title,
    subject: { kind: data.subject.kind, id: data.subject.id },
    dueAt: data.dueAt,
    dueDate: data.dueDate,
    strictDueAt: data.strictDueAt,
    rolledDueAt: data.rolledDueAt,
    warnAt: data.warnAt,
    basis: data.basis,
    citation: data.citation,
    rulePack: data.rulePack,
    ...(data.refersTo !== undefined && { refersTo: { ...data.refersTo } }),
    ...(data.lateFact !== undefined && { lateFact: { ...data.lateFact } }),
  };
}

export function subjectKey(subject: Subject): string {
  return `${subject.kind}:${subject.id}`;
}

type RuleAndDue = Pick<ClosedObligationView, 'ruleId' | 'dueAt'>;

function fulfilledView({ data }: ObligationFulfilled, rule: RuleAndDue): ClosedObligationView {
  return { obligationId: data.obligationId, ...rule, onTime: data.onTime, fulfilledAt: data.fulfilledAt };
}

function cancelledView({ data }: ObligationCancelled, rule: RuleAndDue): ClosedObligationView {
  return { obligationId: data.obligationId, ...rule, reason: data.reason };
}

function waivedView({ data }: ObligationWaived, rule: RuleAndDue): ClosedObligationView {
  return { obligationId: data.obligationId, ...rule, justification: data.justification };
}

function notOpenedView({ data }: ObligationNotOpened): NotOpenedView {
  return { ruleId: data.ruleId, reason: data.reason, message: data.message };
}
