import { HttpException, HttpStatus, Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  caseRules,
  caseStreamName,
  type Decision,
  foldCase,
  loadDecideAppend,
  type LoadedStream,
  StreamKeptChanging,
  toNewEvents,
} from '@fristvagt/case-commands';
import { CLOCK, type Clock, CONFIG, type Config } from '@fristvagt/config';
import {
  type CaseCommand,
  type CaseState,
  decideCase,
  type DecideContext,
  isOpened,
  type ResolvedRules,
} from '@fristvagt/domain';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@fristvagt/event-store';
import { inScope, type Principal } from '../access/principal';
import { caseNotFound, domainProblem } from './domain-problems';
import { type CommandOutcome, commandOutcome } from './dto/outcome.dto';

/** What a caller asked for, already authenticated; the idempotency key is scoped to the caller and hashed. */
export interface CaseCommandRequest {
  readonly caseId: string;
  readonly command: CaseCommand;
  readonly principal: Principal;
  readonly idempotency: { readonly key: string; readonly request: string } | null;
  /** The revision the caller last saw (If-Match); null lets the handler retry on a concurrent write. */
  readonly ifMatch: bigint | null;
  readonly correlationId: string;
}

export interface CaseCommandResult {
  readonly outcome: CommandOutcome;
  /** True when an earlier request with the same Idempotency-Key had already done the work. */
  readonly replayed: boolean;
}

export class ExecuteCaseCommand extends Command<CaseCommandResult> {
  constructor(readonly request: CaseCommandRequest) {
    super();
  }
}

/** Attempts at a command that keeps meeting concurrent writers before it gives up with 409. */
export const MAX_ATTEMPTS = 5;

/**
 * Load, decide, append: the case stream is folded, the decider runs with the clock's `now` and the
 * rules of the case's municipality, and the events are appended at the revision that was read. A retry
 * with the same Idempotency-Key finds the events of the first attempt in the stream (their metadata carries
 * the key), in the same append that wrote them, so a command is applied exactly once however often it is sent.
 */
@CommandHandler(ExecuteCaseCommand)
export class ExecuteCaseCommandHandler implements ICommandHandler<ExecuteCaseCommand, CaseCommandResult> {
  private readonly rulesFor: (municipality: string) => ResolvedRules;
  /** FACT_CLOCK_SKEW and EARLIEST_FACT_DATE, for the decider's plausible-time checks. */
  private readonly factTime: Pick<DecideContext, 'clockSkewMs' | 'earliestFactDate'>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) config: Config,
  ) {
    this.rulesFor = caseRules(config);
    this.factTime = {
      clockSkewMs: config.factClockSkewMs,
      ...(config.earliestFactDate !== undefined && { earliestFactDate: config.earliestFactDate }),
    };
  }

  async execute({ request }: ExecuteCaseCommand): Promise<CaseCommandResult> {
    try {
      return await loadDecideAppend<CaseCommandResult>(
        this.store,
        caseStreamName(request.caseId),
        (loaded) => this.decide(request, loaded),
        { maxAttempts: MAX_ATTEMPTS, backOff: request.ifMatch === null },
      );
    } catch (error) {
      if (error instanceof StreamKeptChanging) throw revisionConflict();
      throw error;
    }
  }

  /**
   * One attempt. A retry lands here again after a concurrent write (perhaps this very request, sent twice):
   * the replay check, If-Match and the decider then see the new state.
   */
  private decide(request: CaseCommandRequest, loaded: LoadedStream): Decision<CaseCommandResult> {
    const state = foldCase(loaded.events);
    const municipality = this.authorize(request, state);
    const replay = replayOf(request, loaded.events);
    if (replay !== undefined) return { kind: 'answer', value: { outcome: replay, replayed: true } };
    if (request.ifMatch !== null && request.ifMatch !== loaded.revision) {
      throw revisionMismatch(request.ifMatch, loaded.revision);
    }

    const decision = decideCase(request.command, state, {
      now: this.clock.now().toISOString(),
      rules: this.rulesFor(municipality),
      ...this.factTime,
    });
    if (!decision.ok) throw domainProblem(decision.error);

    const events = toNewEvents(decision.value, {
      municipality,
      actor: request.principal.keyId,
      correlationId: request.correlationId,
      idempotency: request.idempotency,
    });
    return {
      kind: 'append',
      events,
      answer: (written, appended) => ({
        outcome: commandOutcome(request.caseId, state, written, appended.position),
        replayed: false,
      }),
    };
  }

  /**
   * The municipality the command acts in. A case that does not exist, or exists outside the caller's
   * scope, is "not found" alike; opening a case in a municipality outside the scope is forbidden.
   */
  private authorize(request: CaseCommandRequest, state: CaseState): string {
    const { command, principal } = request;
    if (isOpened(state)) {
      if (!inScope(principal, state.municipality)) throw caseNotFound();
      return state.municipality;
    }
    if (command.type !== 'OpenCase') throw caseNotFound();
    if (!inScope(principal, command.data.municipality)) throw municipalityOutOfScope();
    return command.data.municipality;
  }
}

/** The response of an earlier request with this key, rebuilt from its events; refused if the request differs. */
function replayOf(request: CaseCommandRequest, events: readonly RecordedEvent[]): CommandOutcome | undefined {
  const key = request.idempotency?.key;
  if (key === undefined) return undefined;
  const first = events.findIndex((event) => event.metadata.idempotency?.key === key);
  if (first < 0) return undefined;
  if (events[first].metadata.idempotency?.request !== request.idempotency?.request)
    throw idempotencyKeyReused();
  const appended = events.slice(first).filter((event) => event.metadata.idempotency?.key === key);
  const last = appended[appended.length - 1];
  return commandOutcome(request.caseId, foldCase(events.slice(0, first)), appended, last.position);
}

function municipalityOutOfScope(): HttpException {
  return new HttpException(
    {
      code: 'municipality-out-of-scope',
      field: 'municipality',
      detail: 'This API key may not act for that municipality',
    },
    HttpStatus.FORBIDDEN,
  );
}

function revisionMismatch(expected: bigint, actual: bigint | null): HttpException {
  return new HttpException(
    {
      code: 'revision-mismatch',
      detail:
        actual === null
          ? `If-Match expected revision ${expected}, but the case has no events`
          : `If-Match expected revision ${expected}, but the case is at revision ${actual}; read it again`,
    },
    HttpStatus.PRECONDITION_FAILED,
  );
}

function revisionConflict(): HttpException {
  return new HttpException(
    {
      code: 'stream-revision-conflict',
      detail: `The case kept changing while this command was decided (${MAX_ATTEMPTS} attempts); try again`,
    },
    HttpStatus.CONFLICT,
  );
}

function idempotencyKeyReused(): HttpException {
  return new HttpException(
    {
      code: 'idempotency-key-reused',
      field: 'Idempotency-Key',
      detail: 'This Idempotency-Key was used for a different request; use a new key for a new request',
    },
    HttpStatus.UNPROCESSABLE_ENTITY,
  );
}
