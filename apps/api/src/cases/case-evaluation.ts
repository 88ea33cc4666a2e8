import { Inject, Optional } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import {
  type CaseEvent,
  diffEvaluations,
  DK_YOUTH_PACK,
  evaluateHistory,
  findRulePack,
  type LocalDate,
  type MunicipalSettingsTimeline,
  overridesAt,
  type RulePack,
} from '@fristvagt/domain';
import { toDomainEvent } from '@fristvagt/case-commands';
import { CLOCK, type Clock } from '@fristvagt/config';
import { EVENT_STORE, type EventStore } from '@fristvagt/event-store';
import { LOGGER, type Logger } from '@fristvagt/logging';
import { inScope, municipalityOutOfScope, type Principal } from '../access/principal';
import { logAuditorRead } from '../http/read-models';
import { MunicipalSettingsStore } from '../municipalities/municipal-settings-store';
import { loadVisibleCase } from './case-queries';
import { caseNotFound } from './domain-problems';
import type { CaseEvaluation, CaseEvaluationQueryDto } from './dto/case-evaluation.dto';

export class GetCaseEvaluation extends Query<CaseEvaluation> {
  constructor(
    readonly caseId: string,
    readonly query: CaseEvaluationQueryDto,
    readonly principal: Principal,
  ) {
    super();
  }
}

/** The pack named `id@version` (the DTO has checked it is one of RULE_PACKS), or the current one. */
export function rulePackOf(ref: string | undefined): RulePack {
  if (ref === undefined) return DK_YOUTH_PACK;
  const at = ref.lastIndexOf('@');
  return findRulePack(ref.slice(at + 1), ref.slice(0, at)) ?? DK_YOUTH_PACK;
}

/** Every municipality the case has belonged to: where it was opened and where it was transferred. */
function municipalitiesOf(events: readonly CaseEvent[]): string[] {
  return events.flatMap((event) =>
    event.type === 'CaseOpened'
      ? [event.data.municipality]
      : event.type === 'CaseTransferred'
        ? [event.data.toMunicipality]
        : [],
  );
}

/**
 * `pack` with the settings in effect on `date` compiled in for each of `codes`, so that they apply to every
 * fact whatever its own date (evaluateHistory is then given no timelines).
 */
function settingsOn(
  pack: RulePack,
  codes: readonly string[],
  timelines: Readonly<Record<string, MunicipalSettingsTimeline>>,
  date: LocalDate,
): RulePack {
  const municipalities = { ...pack.municipalities };
  for (const code of codes)
    municipalities[code] = overridesAt(pack.municipalities[code], timelines[code] ?? [], date);
  return { ...pack, municipalities };
}

/**
 * Issue 13, point 2: a case re-derived from its facts under another rule pack or other municipal settings,
 * against the same facts under the current pack, the case's own municipality and its recorded settings (the
 * baseline), judged at the service clock's now. Visible as GET /v1/cases/{caseId} is; an auditor's read is
 * logged (and recorded with its purpose by the audit interceptor).
 */
@QueryHandler(GetCaseEvaluation)
export class GetCaseEvaluationHandler implements IQueryHandler<GetCaseEvaluation, CaseEvaluation> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() private readonly settings?: MunicipalSettingsStore,
  ) {}

  async execute({ caseId, query, principal }: GetCaseEvaluation): Promise<CaseEvaluation> {
    const municipality = query.municipality ?? null;
    if (municipality !== null && !inScope(principal, municipality))
      throw municipalityOutOfScope(
        'municipality',
        `This API key may not act for municipality ${municipality}`,
      );
    const loaded = await loadVisibleCase(this.store, caseId, principal);
    if (loaded === undefined) throw caseNotFound();
    logAuditorRead(this.logger, principal, {
      audit: 'case-evaluation',
      message: 'auditor re-evaluated a case',
      parameters: ['rulePack', 'municipality', 'settingsAt'],
      query,
      subject: { caseId },
    });

    const events = loaded.events.map(toDomainEvent);
    const own = [...new Set(municipalitiesOf(events))];
    const codes = municipality === null ? own : [...new Set([...own, municipality])];
    const timelines = this.settings === undefined ? {} : await this.settings.timelines(codes);
    const now = this.clock.now().toISOString();
    const settingsAt = query.settingsAt ?? null;

    const baseline = evaluateHistory(events, DK_YOUTH_PACK, null, now, timelines);
    const pack = rulePackOf(query.rulePack);
    const compared =
      settingsAt === null
        ? evaluateHistory(events, pack, municipality, now, timelines)
        : evaluateHistory(
            events,
            settingsOn(pack, municipality === null ? own : [municipality], timelines, settingsAt),
            municipality,
            now,
          );
    return {
      caseId: loaded.state.caseId,
      now,
      baseline: {
        rulePack: baseline.rulePack,
        municipality: null,
        settingsAt: null,
        obligations: baseline.obligations.length,
      },
      compared: {
        rulePack: compared.rulePack,
        municipality,
        settingsAt,
        obligations: compared.obligations.length,
      },
      ...diffEvaluations(baseline, compared),
    };
  }
}
