/**
 * Given/when/then for the case decider, in the style of Emmett's DeciderSpecification:
 * `given(events).when(command).then(events)` or `.thenFails(code)`. Used by the specs only.
 */
import type { CaseCommand } from './commands';
import type { DecideContext } from './context';
import { decideCase } from './decider';
import type { DomainError, Result } from './errors';
import type { CaseEvent, ObligationOpened } from './events';
import { evolveCase } from './evolve';
import { DK_YOUTH_PACK } from './rules/dk-youth';
import { resolveRules } from './rules/resolve';
import type { RulePack } from './rules/types';
import { initialCaseState, type CaseState } from './state';

export const CASE_ID = '0b7f3c52-4d0e-4b8e-9a51-2f7e1c9d6a10';

export function context(
  now: string,
  municipality: string | null = '101',
  pack: RulePack = DK_YOUTH_PACK,
): DecideContext {
  return { now, rules: resolveRules(pack, municipality) };
}

export function cmd<T extends CaseCommand['type']>(
  type: T,
  data: Extract<CaseCommand, { type: T }>['data'],
  occurredAt: string,
): Extract<CaseCommand, { type: T }> {
  return { type, data, occurredAt } as Extract<CaseCommand, { type: T }>;
}

export function openCase(birthDate: string, occurredAt = '2020-01-01T09:00:00.000Z', municipality = '101') {
  return cmd('OpenCase', { caseId: CASE_ID, municipality, birthDate, person: null }, occurredAt);
}

export function fold(events: readonly CaseEvent[]): CaseState {
  return events.reduce(evolveCase, initialCaseState); // one event at a time on purpose: the reference fold
}

function unwrap(result: Result<CaseEvent[]>, command: CaseCommand): CaseEvent[] {
  if (!result.ok)
    throw new Error(`${command.type} was refused: ${result.error.code} (${result.error.message})`);
  return result.value;
}

/**
 * Plays commands in order, each decided at its own occurredAt (so nothing is backdated), and returns the events
 * they recorded: the quickest way to build a realistic history.
 */
export function history(
  commands: readonly CaseCommand[],
  municipality: string | null = '101',
  pack = DK_YOUTH_PACK,
) {
  const events: CaseEvent[] = [];
  for (const command of commands) {
    const ctx = { ...context(command.occurredAt, municipality, pack) };
    events.push(...unwrap(decideCase(command, fold(events), ctx), command));
  }
  return events;
}

/** JSON with sorted keys, so that equal events compare equal whatever order their fields were written in. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

export interface Outcome {
  readonly result: Result<CaseEvent[]>;
  /** The recorded events; throws when the command was refused. */
  readonly events: CaseEvent[];
  then(expected: readonly CaseEvent[]): void;
  thenFails(code: string): DomainError;
  opened(ruleId?: string): ObligationOpened['data'][];
  types(): string[];
}

export function given(events: readonly CaseEvent[]) {
  const state = fold(events);
  return {
    state,
    when(command: CaseCommand, ctx: DecideContext = context(command.occurredAt)): Outcome {
      const result = decideCase(command, state, ctx);
      const recorded = () => unwrap(result, command);
      return {
        result,
        get events() {
          return recorded();
        },
        then(expected) {
          const [actual, wanted] = [canonical(recorded()), canonical(expected)];
          if (actual !== wanted) throw new Error(`expected events\n${wanted}\nbut got\n${actual}`);
        },
        thenFails(code) {
          if (result.ok || result.error.code !== code) {
            throw new Error(`expected refusal ${code}, got ${JSON.stringify(result)}`);
          }
          return result.error;
        },
        opened(ruleId) {
          return recorded()
            .filter((event): event is ObligationOpened => event.type === 'ObligationOpened')
            .map((event) => event.data)
            .filter((data) => ruleId === undefined || data.ruleId === ruleId);
        },
        types() {
          return recorded().map((event) => event.type);
        },
      };
    },
  };
}
