import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import {
  DK_YOUTH_PACK,
  isOpened,
  maskCpr,
  type ObligationState,
  type OpenedCaseState,
  parseCpr,
} from '@fristvagt/domain';
import { EVENT_STORE, type EventStore, type RecordedEvent, StreamNotFound } from '@fristvagt/event-store';
import { LOGGER, type Logger } from '@fristvagt/logging';
import { type ApiRole, inScope, type Principal, viaOf } from '../access/principal';
import { CPR_PROTECTOR, type CprProtector } from '../personal-data/cpr-protector';
import { CaseDirectory } from './case-directory';
import { caseStreamName, foldCase } from '@fristvagt/case-commands';
import { caseNotFound } from './domain-problems';
import type { CaseLookupResult, CaseView, ObligationView, PersonView } from './dto/case.dto';
import { subjectKey, type SupersededView, supersededViews } from './dto/outcome.dto';

/** Roles that work with the person and need the full CPR number; every other role sees DDMMYY-XXXX. */
export const ROLES_SEEING_FULL_CPR: readonly ApiRole[] = ['supervisor', 'admin'];

export class GetCase extends Query<CaseView> {
  constructor(
    readonly caseId: string,
    readonly principal: Principal,
  ) {
    super();
  }
}

export class FindCasesByCpr extends Query<CaseLookupResult> {
  constructor(
    readonly cpr: string,
    readonly principal: Principal,
  ) {
    super();
  }
}

export interface LoadedCase {
  readonly events: readonly RecordedEvent[];
  readonly state: OpenedCaseState;
  readonly revision: number;
}

/** The case if it exists and lies in the principal's scope; undefined for both other cases alike. */
export async function loadVisibleCase(
  store: EventStore,
  caseId: string,
  principal: Principal,
): Promise<LoadedCase | undefined> {
  try {
    const events = await store.readStream(caseStreamName(caseId));
    const state = foldCase(events);
    if (!isOpened(state) || !inScope(principal, state.municipality)) return undefined;
    return { events, state, revision: Number(events[events.length - 1].revision) };
  } catch (error) {
    if (error instanceof StreamNotFound) return undefined;
    throw error;
  }
}

@QueryHandler(GetCase)
export class GetCaseHandler implements IQueryHandler<GetCase, CaseView> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CPR_PROTECTOR) private readonly protector: CprProtector,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute({ caseId, principal }: GetCase): Promise<CaseView> {
    const loaded = await loadVisibleCase(this.store, caseId, principal);
    if (loaded === undefined) throw caseNotFound();
    if (principal.role === 'auditor') {
      // Auditors' reads are themselves audited (ARCHITECTURE.md, tenancy and access).
      this.logger.info(
        { audit: 'case-read', keyId: principal.keyId, ...viaOf(principal), caseId },
        'auditor read a case',
      );
    }
    const { state, revision } = loaded;
    const obligations = Object.values(state.obligations).map(obligationView);
    return {
      caseId: state.caseId,
      municipality: state.municipality,
      revision,
      person: this.person(state, principal),
      placements: state.placements,
      policeDocumentation: state.documentation,
      councils: state.councils,
      plans: state.plans,
      contactPersonMeasures: state.measures,
      aftercareRequests: state.aftercareRequests,
      aftercare: state.aftercare,
      notificationsOfConcern: state.notifications,
      investigations: state.investigations,
      obligations: {
        open: obligations.filter((o) => o.status === 'open').sort(byDue),
        closed: obligations.filter((o) => o.status !== 'open'),
        superseded: supersessionsOf(state),
      },
    };
  }

  private person(state: OpenedCaseState, principal: Principal): PersonView | null {
    if (state.person === null) return null;
    const cpr = this.protector.reveal(state.person);
    const full = ROLES_SEEING_FULL_CPR.includes(principal.role);
    return {
      cpr: full ? `${cpr.slice(0, 6)}-${cpr.slice(6)}` : maskCpr(cpr),
      masked: !full,
      birthDate: state.birthDate,
    };
  }
}

@QueryHandler(FindCasesByCpr)
export class FindCasesByCprHandler implements IQueryHandler<FindCasesByCpr, CaseLookupResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CPR_PROTECTOR) private readonly protector: CprProtector,
    private readonly directory: CaseDirectory,
  ) {}

  async execute({ cpr, principal }: FindCasesByCpr): Promise<CaseLookupResult> {
    const parsed = parseCpr(cpr);
    if (!parsed.ok) return { cases: [] };
    const caseIds = await this.directory.casesOf(this.protector.lookupHash(parsed.value.normalized));
    const visible = await Promise.all(
      caseIds.map((caseId) => loadVisibleCase(this.store, caseId, principal)),
    );
    return {
      cases: visible
        .filter((loaded): loaded is LoadedCase => loaded !== undefined)
        .map(({ state, revision }) => ({ caseId: state.caseId, municipality: state.municipality, revision }))
        .sort((a, b) => a.caseId.localeCompare(b.caseId)),
    };
  }
}

function obligationView(o: ObligationState): ObligationView {
  const rule = DK_YOUTH_PACK.rules.find((r) => r.ruleId === o.ruleId && r.variant === o.variant);
  return {
    obligationId: o.obligationId,
    ruleId: o.ruleId,
    variant: o.variant,
    title: rule?.title ?? o.ruleId,
    subject: { kind: o.subject.kind, id: o.subject.id },
    dueAt: o.dueAt,
    dueDate: o.dueDate,
    strictDueAt: o.strictDueAt,
    rolledDueAt: o.rolledDueAt,
    warnAt: o.warnAt,
    basis: o.basis,
    citation: o.citation,
    rulePack: o.rulePack,
    status: o.status,
    breached: o.breached,
    breachedAt: o.breachedAt,
    warned: o.warned,
    openedAt: o.openedAt,
    fulfilledAt: o.fulfilledAt,
    onTime: o.onTime,
    ...(o.refersTo !== null && { refersTo: { ...o.refersTo } }),
    ...(o.openedForLateFact !== null && { lateFact: { ...o.openedForLateFact } }),
    supersededBy: o.supersededBy === null ? null : { ...o.supersededBy },
  };
}

/** The obligations facts posted late superseded, and what they opened in their place. */
function supersessionsOf(state: OpenedCaseState): SupersededView[] {
  const obligations = Object.values(state.obligations);
  return supersededViews(
    obligations.flatMap((o) =>
      o.supersededBy === null
        ? []
        : [
            {
              obligationId: o.obligationId,
              ruleId: o.ruleId,
              subject: subjectKey(o.subject),
              lateFact: o.supersededBy,
            },
          ],
    ),
    obligations.map((o) => ({
      obligationId: o.obligationId,
      subject: subjectKey(o.subject),
      lateFact: o.openedForLateFact,
    })),
  );
}

function byDue(a: ObligationView, b: ObligationView): number {
  return (a.dueAt ?? '9999').localeCompare(b.dueAt ?? '9999') || a.obligationId.localeCompare(b.obligationId);
}
