import { randomUUID } from 'node:crypto';
import { caseRules, caseStreamName, foldCase, loadDecideAppend, toNewEvents } from '@fristvagt/case-commands';
import { type CaseCommand, decideCase, isOpened } from '@fristvagt/domain';
import type { AppendResult, EventStore } from '@fristvagt/event-store';

const rulesFor = caseRules({});

/**
 * Runs a domain command on a case through the same load-decide-append path as the API, without HTTP: for
 * tests and benchmarks that need many real case histories quickly. Throws on a refusal.
 */
export async function runCaseCommand(
  store: EventStore,
  caseId: string,
  command: CaseCommand,
  now: string,
  options: { warningLeadMs?: number } = {},
): Promise<AppendResult> {
  const rules = options.warningLeadMs === undefined ? rulesFor : caseRules(options);
  return loadDecideAppend(store, caseStreamName(caseId), (loaded) => {
    const state = foldCase(loaded.events);
    const municipality = isOpened(state)
      ? state.municipality
      : command.type === 'OpenCase'
        ? command.data.municipality
        : '';
    const decision = decideCase(command, state, { now, rules: rules(municipality) });
    if (!decision.ok) throw new Error(`${command.type} refused: ${decision.error.code}`);
    const events = toNewEvents(decision.value, {
      municipality,
      actor: 'test',
      correlationId: randomUUID(),
      idempotency: null,
    });
    return { kind: 'append', events, answer: (_written, result) => result };
  });
}

/** Opens a case for a youth born on `birthDate` (no CPR: the domain accepts a case without a person). */
export function openCase(
  store: EventStore,
  caseId: string,
  options: { municipality?: string; birthDate?: string; occurredAt: string; now?: string },
): Promise<AppendResult> {
  return runCaseCommand(
    store,
    caseId,
    {
      type: 'OpenCase',
      data: {
        caseId,
        municipality: options.municipality ?? '461',
        birthDate: options.birthDate ?? '2010-03-01',
        person: null,
      },
      occurredAt: options.occurredAt,
    },
    options.now ?? options.occurredAt,
  );
}

/** A police notification (opens NSR-CONVENE for a youth under 18), received at `occurredAt`. */
export function notifyPolice(
  store: EventStore,
  caseId: string,
  options: { documentationId?: string; occurredAt: string; now: string; warningLeadMs?: number },
): Promise<AppendResult> {
  return runCaseCommand(
    store,
    caseId,
    {
      type: 'RecordPoliceDocumentation',
      data: {
        documentationId: options.documentationId ?? 'pol-1',
        kind: 'interview-invitation',
        offenceCategories: ['robbery'],
      },
      occurredAt: options.occurredAt,
    },
    options.now,
    options.warningLeadMs === undefined ? {} : { warningLeadMs: options.warningLeadMs },
  );
}
