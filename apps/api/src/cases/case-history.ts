import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { type CaseEvent, type CouncilPerson, isOpened } from '@fristvagt/domain';
import { caseStreamName, foldCase } from '@fristvagt/case-commands';
import { replayCase, type CaseStateView } from '@fristvagt/audit';
import { EVENT_STORE, type EventStore, type RecordedEvent, StreamNotFound } from '@fristvagt/event-store';
import { LOGGER, type Logger } from '@fristvagt/logging';
import { API_KEY_STORE, type ApiKeyStore } from '../access/api-key-store';
import { inScope, type Principal } from '../access/principal';
import { logAuditorRead } from '../http/read-models';
import { toUtcInstant } from '../obligations/dto/obligations-query.dto';
import { caseNotFound } from './domain-problems';
import type {
  CaseHistory,
  CaseHistoryEvent,
  CaseHistoryQueryDto,
  HistoryObligation,
  LifeKind,
  ObligationLifeEntry,
} from './dto/case-history.dto';

export class GetCaseHistory extends Query<CaseHistory> {
  constructor(
    readonly caseId: string,
    readonly query: CaseHistoryQueryDto,
    readonly principal: Principal,
  ) {
    super();
  }
}

type EventType = CaseEvent['type'];
type DataOf<T extends EventType> = Extract<CaseEvent, { type: T }>['data'];

/** The `keys` of `data`, each of them (an absent one as undefined), and nothing else. */
function pick<D, K extends keyof D>(data: D, keys: readonly K[]): Pick<D, K> {
  const picked = {} as Pick<D, K>;
  for (const key of keys) picked[key] = data[key];
  return picked;
}

const roles = (people: readonly CouncilPerson[] | undefined) => people?.map(({ role }) => ({ role }));

/**
 * What an event's data may show in a history, per type: an allow-list, so that a field added to an event later
 * stays out until it is listed here (and a new event type does not compile until it has an entry). Ids, dates,
 * codes, rule data, the reasoning of assessments and the justification of waivers are shown; the CPR number's
 * ciphertext and lookup hash, notes, agreements, descriptions of people, the youth's own words and the content
 * of support are not, since they may name or describe a person.
 */
const HISTORY_DATA: { readonly [T in EventType]: (data: DataOf<T>) => Record<string, unknown> } = {
  CaseOpened: ({ caseId, municipality, birthDate, person }) => ({
    caseId,
    municipality,
    birthDate,
    personRecorded: person !== null && person !== undefined,
  }),
  PlacementStarted: ({ placementId }) => ({ placementId }),
  PlacementEnded: ({ placementId }) => ({ placementId }),
  CaseTransferred: ({ fromMunicipality, toMunicipality }) => ({ fromMunicipality, toMunicipality }),
  PoliceDocumentationReceived: ({ documentationId, kind, offenceCategories }) => ({
    documentationId,
    kind,
    offenceCategories,
  }),
  TargetGroupAssessed: ({ documentationId, inTargetGroup, reasoning }) => ({
    documentationId,
    inTargetGroup,
    reasoning,
  }),
  CouncilConvened: ({ councilId, documentationId, invitees, meetingDate }) => ({
    councilId,
    documentationId,
    invitees: roles(invitees),
    meetingDate,
  }),
  CouncilHeld: ({ councilId, participants, agreements }) => ({
    councilId,
    participants: roles(participants),
    agreementCount: agreements?.length,
  }),
  CouncilNotHeld: ({ councilId, reason }) => ({ councilId, reason }),
  CouncilFollowUpRecorded: ({ councilId }) => ({ councilId }),
  PlanAdopted: ({ planId, kind, councilId, documentationId, measureId }) => ({
    planId,
    kind,
    councilId,
    documentationId,
    measureId,
  }),
  PlanRevised: ({ planId, reason, councilId, documentationId, measureId }) => ({
    planId,
    reason,
    councilId,
    documentationId,
    measureId,
  }),
  PlanRevisionAssessed: (data) =>
    pick(data, ['planId', 'occasion', 'outcome', 'reasoning', 'councilId', 'documentationId', 'measureId']),
  ContactPersonDecided: ({ measureId, planRequired }) => ({ measureId, planRequired }),
  ContactPersonStarted: ({ measureId }) => ({ measureId }),
  FollowUpRecorded: ({ measureId, nextIntervalMonths }) => ({ measureId, nextIntervalMonths }),
  StatusStatementSubmitted: ({ measureId }) => ({ measureId }),
  ContactPersonEnded: ({ measureId, reason }) => ({ measureId, reason }),
  AftercareAssessed: ({ requestId, offered, reasoning }) => ({ requestId, offered, reasoning }),
  AftercareRequested: ({ requestId }) => ({ requestId }),
  AftercareGranted: ({ aftercareId, requestId, startDate }) => ({ aftercareId, requestId, startDate }),
  AftercareDeclinedByYouth: ({ requestId }) => ({ requestId }),
  AftercareEnded: ({ aftercareId }) => ({ aftercareId }),
  NotificationOfConcernReceived: ({ notificationId }) => ({ notificationId }),
  NotificationOfConcernAssessed: ({ notificationId, acuteMeasuresNeeded, reasoning }) => ({
    notificationId,
    acuteMeasuresNeeded,
    reasoning,
  }),
  InvestigationStarted: ({ investigationId, notificationId }) => ({ investigationId, notificationId }),
  PreliminaryAssessmentRecorded: ({ investigationId, reasoning }) => ({ investigationId, reasoning }),
  InvestigationCompleted: ({ investigationId }) => ({ investigationId }),
  ObligationOpened: (d) => ({
    obligationId: d.obligationId,
    ruleId: d.ruleId,
    variant: d.variant,
    title: d.title,
    subject: d.subject,
    dueAt: d.dueAt,
    dueDate: d.dueDate,
    strictDueAt: d.strictDueAt,
    strictDueDate: d.strictDueDate,
    rolledDueAt: d.rolledDueAt,
    rolledDueDate: d.rolledDueDate,
    dueClamped: d.dueClamped,
    warnAt: d.warnAt,
    basis: d.basis,
    citation: d.citation,
    citationVerified: d.citationVerified,
    rulePack: d.rulePack,
    municipality: d.municipality,
    triggeredBy: d.triggeredBy,
    fulfilledBy: d.fulfilledBy,
    cancelledBy: d.cancelledBy,
  }),
  ObligationDueSoon: ({ obligationId, dueAt, warnAt, detectedAt }) => ({
    obligationId,
    dueAt,
    warnAt,
    detectedAt,
  }),
  ObligationBreached: ({ obligationId, dueAt, detectedAt }) => ({ obligationId, dueAt, detectedAt }),
  ObligationFulfilled: ({ obligationId, onTime, late, by, fulfilledAt }) => ({
    obligationId,
    onTime,
    late,
    by,
    fulfilledAt,
  }),
  ObligationCancelled: ({ obligationId, reason, by }) => ({ obligationId, reason, by }),
  ObligationWaived: ({ obligationId, by, justification }) => ({ obligationId, by, justification }),
  ObligationNotOpened: ({ ruleId, reason, message, triggeredBy }) => ({
    ruleId,
    reason,
    message,
    triggeredBy,
  }),
};

/** The allowed fields of an event's data, as JSON would send them (undefined ones dropped); nothing of a type not listed. */
export function historyData(type: string, data: Readonly<Record<string, unknown>>): Record<string, unknown> {
  if (!Object.hasOwn(HISTORY_DATA, type)) return {};
  const view = (HISTORY_DATA[type as EventType] as (d: unknown) => Record<string, unknown>)(data);
  // Copied only when a field is undefined: a history builds this for every event it shows.
  for (const key in view) {
    if (view[key] !== undefined) continue;
    const defined: Record<string, unknown> = {};
    for (const k in view) if (view[k] !== undefined) defined[k] = view[k];
    return defined;
  }
  return view;
}

const LIFE_OF: Partial<Record<EventType, LifeKind>> = {
  ObligationOpened: 'opened',
  ObligationDueSoon: 'warned',
  ObligationBreached: 'breached',
  ObligationFulfilled: 'fulfilled',
  ObligationCancelled: 'cancelled',
  ObligationWaived: 'waived',
};

/** The obligations the events open, each with its life in those events; in the order they were opened. */
export function obligationLives(events: readonly RecordedEvent[]): HistoryObligation[] {
  const obligations = new Map<string, HistoryObligation>();
  for (const event of events) {
    const kind = LIFE_OF[event.type as EventType];
    if (kind === undefined) continue;
    const data = event.data as Record<string, unknown> & { obligationId: string };
    if (kind === 'opened') {
      const opened = data as unknown as DataOf<'ObligationOpened'>;
      if (obligations.has(opened.obligationId)) continue;
      obligations.set(opened.obligationId, {
        obligationId: opened.obligationId,
        ruleId: opened.ruleId,
        title: opened.title,
        basis: opened.basis,
        citation: opened.citation,
        variant: opened.variant,
        rulePack: { id: opened.rulePack.id, version: opened.rulePack.version },
        subject: { kind: opened.subject.kind, id: opened.subject.id },
        dueAt: opened.dueAt,
        status: 'open',
        breached: false,
        life: [],
      });
    }
    // A step of an obligation whose opening is not shown (asOf before it) is not shown either.
    const obligation = obligations.get(data.obligationId);
    if (obligation === undefined) continue;
    const entry: ObligationLifeEntry = {
      kind,
      at: event.metadata.occurredAt,
      recordedAt: event.metadata.recordedAt,
      revision: Number(event.revision),
      by: kind === 'warned' || kind === 'breached' ? null : event.metadata.actor,
    };
    switch (kind) {
      case 'breached':
        obligation.breached = true;
        obligation.dueAt ??= (data as unknown as DataOf<'ObligationBreached'>).dueAt;
        break;
      case 'fulfilled':
        entry.onTime = (data as unknown as DataOf<'ObligationFulfilled'>).onTime;
        break;
      case 'cancelled':
        entry.reason = (data as unknown as DataOf<'ObligationCancelled'>).reason;
        break;
      case 'waived': {
        const waived = data as unknown as DataOf<'ObligationWaived'>;
        entry.by = waived.by.actorId;
        entry.justification = waived.justification;
        break;
      }
      default:
        break;
    }
    if ((kind === 'fulfilled' || kind === 'cancelled' || kind === 'waived') && obligation.status === 'open') {
      obligation.status = kind;
    }
    obligation.life.push(entry);
  }
  return [...obligations.values()];
}

function historyEvent(
  event: RecordedEvent,
  stateAfter: CaseStateView,
  actorRole: string | null,
): CaseHistoryEvent {
  return {
    revision: Number(event.revision),
    eventId: event.id,
    type: event.type,
    occurredAt: event.metadata.occurredAt,
    recordedAt: event.metadata.recordedAt,
    actor: event.metadata.actor,
    actorRole,
    data: historyData(event.type, event.data),
    // Steps that change nothing share one view (libs/audit replay); nothing here or in the answer's
    // serialisation writes to it, so handing it out as the DTO's mutable type is safe.
    stateAfter: stateAfter as CaseHistoryEvent['stateAfter'],
  };
}

/** Actors that are the system itself, not an API key. */
const SYSTEM_ACTORS: ReadonlySet<string> = new Set(['scheduler', 'system', 'cli']);

/**
 * The role of each actor of the events: the API key's role (revoked keys keep theirs), `system` for the
 * deadline engine and other system actors, null for an actor no key store knows. Ids and roles only.
 */
export async function actorRoles(
  keys: Pick<ApiKeyStore, 'find'>,
  events: readonly RecordedEvent[],
): Promise<Map<string, string | null>> {
  const actors = [...new Set(events.map((event) => event.metadata.actor))];
  const roles = await Promise.all(
    actors.map(async (actor) =>
      SYSTEM_ACTORS.has(actor) ? 'system' : ((await keys.find(actor))?.role ?? null),
    ),
  );
  return new Map(actors.map((actor, i) => [actor, roles[i]]));
}

/**
 * The history of loaded events as known at `knownAt` about `asOf` (both ISO instants in UTC or null), each
 * event with the case state after it: the replay of libs/audit, then the allow-listed view of each event.
 */
export function caseHistoryOf(
  caseId: string,
  municipality: string,
  events: readonly RecordedEvent[],
  bounds: { readonly asOf: string | null; readonly knownAt: string | null },
  roles: ReadonlyMap<string, string | null>,
): CaseHistory {
  const replayed = replayCase(events, {
    asOf: bounds.asOf === null ? null : Date.parse(bounds.asOf),
    knownAt: bounds.knownAt === null ? null : Date.parse(bounds.knownAt),
  });
  const shown = replayed.steps.map((step) => step.event);
  return {
    caseId,
    municipality,
    revision: replayed.revision,
    asOf: bounds.asOf,
    knownAt: bounds.knownAt,
    events: replayed.steps.map(({ event, stateAfter }) =>
      historyEvent(event, stateAfter, roles.get(event.metadata.actor) ?? null),
    ),
    obligations: obligationLives(shown),
  };
}

/**
 * A case's history for auditors (issue 13): its events by revision and the life of each obligation, as known
 * at `knownAt` (record time) about the moment `asOf` (business time). Visible as GET /v1/cases/{caseId} is:
 * within the key's municipalities by where the case is now, 404 otherwise.
 */
/**
 * The case's events if it exists and lies in the principal's scope (by where the case is now), else
 * undefined, exactly as `loadVisibleCase` decides it; but from the case's opening and transfers only, since
 * `loadVisibleCase` folds the whole stream with `foldCase`, which costs tens of milliseconds on a case of a
 * thousand events (docs/audit.md).
 */
export async function loadVisibleHistory(
  store: Pick<EventStore, 'readStream'>,
  caseId: string,
  principal: Principal,
): Promise<
  | { readonly events: readonly RecordedEvent[]; readonly caseId: string; readonly municipality: string }
  | undefined
> {
  let events: RecordedEvent[];
  try {
    events = await store.readStream(caseStreamName(caseId));
  } catch (error) {
    if (error instanceof StreamNotFound) return undefined;
    throw error;
  }
  // Whether the case is opened and where it is now depend on these two facts alone (libs/domain case.ts).
  const where = events.filter((event) => event.type === 'CaseOpened' || event.type === 'CaseTransferred');
  const now = foldCase(where);
  if (!isOpened(now) || !inScope(principal, now.municipality)) return undefined;
  return { events, caseId: now.caseId, municipality: now.municipality };
}

@QueryHandler(GetCaseHistory)
export class GetCaseHistoryHandler implements IQueryHandler<GetCaseHistory, CaseHistory> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(API_KEY_STORE) private readonly keys: ApiKeyStore,
  ) {}

  async execute({ caseId, query, principal }: GetCaseHistory): Promise<CaseHistory> {
    const loaded = await loadVisibleHistory(this.store, caseId, principal);
    if (loaded === undefined) throw caseNotFound();
    const { events } = loaded;
    logAuditorRead(this.logger, principal, {
      audit: 'case-history-read',
      message: 'auditor read a case history',
      parameters: ['asOf', 'knownAt'],
      query,
      subject: { caseId },
    });
    const bounds = { asOf: toUtcInstant(query.asOf) ?? null, knownAt: toUtcInstant(query.knownAt) ?? null };
    return caseHistoryOf(
      loaded.caseId,
      loaded.municipality,
      events,
      bounds,
      await actorRoles(this.keys, events),
    );
  }
}
