import { createHash } from 'node:crypto';
import { HttpException, HttpStatus, Inject, Optional } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  caseRules,
  caseStreamName,
  type Decision,
  foldCase,
  loadDecideAppend,
  type LoadedStream,
  loadedStreamOf,
  QueueWaitTimeout,
  StreamKeptChanging,
  streamQueue,
  toNewEvents,
  type LoadedYouthHistory,
  youthHistoryFor,
} from '@fristvagt/case-commands';
import { CLOCK, type Clock, CONFIG, type Config } from '@fristvagt/config';
import { type CommandOutcome as MetricOutcome, METRICS, type Metrics } from '@fristvagt/metrics';
import {
  type CaseCommand,
  type CaseState,
  decideCase,
  type DecideContext,
  isOpened,
  type ResolvedRules,
} from '@fristvagt/domain';
import {
  DuplicateEventIdConflict,
  EVENT_STORE,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
} from '@fristvagt/event-store';
import { inScope, municipalityOutOfScope, type Principal } from '../access/principal';
import {
  decidingWithSettings,
  type LoadedMunicipalSettings,
  settingsBeside,
} from '../municipalities/command-settings';
import { MunicipalSettingsStore } from '../municipalities/municipal-settings-store';
import { caseNotFound, domainProblem } from './domain-problems';
import { type CommandOutcome, commandOutcome } from './dto/outcome.dto';
import { YouthHistories } from './youth-histories';

/** What a caller asked for, already authenticated; the idempotency key is scoped to the caller and hashed. */
export interface CaseCommandRequest {
  readonly caseId: string;
  readonly command: CaseCommand;
  readonly principal: Principal;
  readonly idempotency: { readonly key: string; readonly request: string } | null;
  /** The revision the caller last saw (If-Match); null lets the handler retry on a concurrent write. */
  readonly ifMatch: bigint | null;
  readonly correlationId: string;
  /** The request's id, stored as the events' causationId. */
  readonly requestId: string;
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

/**
 * How long a command without If-Match retries conflicts with writers in other processes (those of this
 * process take turns with it) before it gives up with 409 stream-revision-conflict.
 */
export const CONFLICT_RETRY_MS = 5_000;

/** Attempts at a command with If-Match: the second one reads the new revision and answers 412. */
export const IF_MATCH_MAX_ATTEMPTS = 5;

/**
 * How long a command waits behind the other commands of its case in this process before it is answered
 * 503 case-busy: long enough for a batch of a few hundred, short enough that a store call that hangs does
 * not hold a client for ever.
 */
export const CASE_QUEUE_WAIT_MS = 10_000;

/** The Retry-After of a 503 case-busy. */
export const CASE_BUSY_RETRY_AFTER_SECONDS = 1;

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
    private readonly youthHistories: YouthHistories,
    /** Municipal settings at run time (municipalities module); absent: the compiled pack's only. */
    @Optional() private readonly municipalSettings?: MunicipalSettingsStore,
    @Optional() @Inject(METRICS) private readonly metrics?: Metrics,
  ) {
    this.rulesFor = caseRules(config);
    this.factTime = {
      clockSkewMs: config.factClockSkewMs,
      ...(config.earliestFactDate !== undefined && { earliestFactDate: config.earliestFactDate }),
    };
  }

  /** One observation of fristvagt_command_duration_seconds per command, whatever its outcome. */
  async execute(command: ExecuteCaseCommand): Promise<CaseCommandResult> {
    const started = performance.now();
    const type = command.request.command.type;
    try {
      const result = await this.executeOnce(command);
      this.metrics?.commandFinished(type, result.replayed ? 'replayed' : 'ok', started);
      return result;
    } catch (error) {
      this.metrics?.commandFinished(type, metricOutcomeOf(error), started);
      throw error;
    }
  }

  private async executeOnce({ request }: ExecuteCaseCommand): Promise<CaseCommandResult> {
    try {
      return await this.loadDecideAppend(request);
    } catch (error) {
      if (!(error instanceof DuplicateEventIdConflict)) throw error;
    }
    // The event ids of a keyed request are derived from its key, so they are stored already: by a copy of
    // this request that won a race on this case (read again, it is replayed), or on another case.
    try {
      return await this.loadDecideAppend(request);
    } catch (error) {
      if (error instanceof DuplicateEventIdConflict) throw idempotencyKeyReused();
      throw error;
    }
  }

  /** Case streams whose first read with the settings (settingsBeside) is under way, so a second one waits its turn. */
  private readonly readingBeside = new Set<string>();

  private async readCaseWithSettings(
    candidates: readonly string[] | '*',
    stream: string,
  ): ReturnType<typeof settingsBeside> {
    this.readingBeside.add(stream);
    try {
      return await settingsBeside(this.municipalSettings, candidates, stream);
    } finally {
      this.readingBeside.delete(stream);
    }
  }

  private async loadDecideAppend(request: CaseCommandRequest): Promise<CaseCommandResult> {
    const stream = caseStreamName(request.caseId);
    const candidates = settingsCandidates(request);
    // The case as last read: a decision that stops to load the youth's history or a municipality's settings
    // is run again on it, rather than on a second read of the case (loadDecideAppend's alreadyRead). The first
    // read comes with the settings timelines, in one round trip where the store can.
    let lastRead: LoadedStream | undefined;
    try {
      // Not while other commands of this case wait for their turn here, or read it so: the case read now would
      // be stale by the time this one's turn comes, and cost a conflict.
      const beside =
        streamQueue(this.store).busy(stream) || this.readingBeside.has(stream)
          ? undefined
          : await this.readCaseWithSettings(candidates, stream);
      if (beside !== undefined) lastRead = loadedStreamOf(beside.events);
      // The youth's other cases are loaded only for a decision that asks for them (youth-histories.ts); the
      // municipal settings timelines before it (municipalities/command-settings.ts).
      return await decidingWithSettings(
        this.municipalSettings,
        candidates,
        (settings) =>
          this.youthHistories.deciding((history) =>
            loadDecideAppend<CaseCommandResult>(
              this.store,
              stream,
              (loaded) => {
                lastRead = loaded;
                return this.decide(request, loaded, settings, history);
              },
              {
                ...(lastRead !== undefined && { alreadyRead: lastRead }),
                maxQueueWaitMs: CASE_QUEUE_WAIT_MS,
                ...(request.ifMatch === null
                  ? { retryForMs: CONFLICT_RETRY_MS }
                  : { maxAttempts: IF_MATCH_MAX_ATTEMPTS, backOff: false }),
              },
            ),
          ),
        beside?.timelines,
      );
    } catch (error) {
      if (error instanceof StreamKeptChanging) throw revisionConflict(error);
      if (error instanceof QueueWaitTimeout) throw new CaseBusy();
      throw error;
    }
  }

  /**
   * One attempt. A retry lands here again after a concurrent write (perhaps this very request, sent twice):
   * the replay check, If-Match and the decider then see the new state.
   */
  private decide(
    request: CaseCommandRequest,
    loaded: LoadedStream,
    settings: LoadedMunicipalSettings,
    history?: LoadedYouthHistory,
  ): Decision<CaseCommandResult> {
    // A retry by the same key of the same request gets its answer even if that request (a transfer) put
    // the case out of the key's scope; a key is scoped to its API key, so this reveals nothing new.
    const retried = earlierAnswer(request, loaded.events);
    if (retried?.sameRequest === true)
      return { kind: 'answer', value: { outcome: retried.outcome(), replayed: true } };
    const state = foldCase(loaded.events);
    const municipality = this.authorize(request, state);
    if (retried !== undefined) throw idempotencyKeyReused();
    if (request.ifMatch !== null && request.ifMatch !== loaded.revision) {
      throw revisionMismatch(request.ifMatch, loaded.revision);
    }

    const decision = decideCase(request.command, state, {
      now: this.clock.now().toISOString(),
      rules: this.rulesFor(municipality),
      ...this.factTime,
      youthHistory: youthHistoryFor(request.command, state, history),
      municipalSettings: settings.for(
        request.command.type === 'TransferCase'
          ? [municipality, request.command.data.toMunicipality]
          : [municipality],
      ),
    });
    if (!decision.ok) throw domainProblem(decision.error);

    const events = withKeyedIds(
      toNewEvents(decision.value, {
        municipality,
        actor: request.principal.keyId,
        correlationId: request.correlationId,
        causationId: request.requestId,
        idempotency: request.idempotency,
      }),
      request.idempotency?.key,
    );
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
    if (!inScope(principal, command.data.municipality))
      throw municipalityOutOfScope('municipality', 'This API key may not act for that municipality');
    return command.data.municipality;
  }
}

/**
 * How a refused command counts in the metrics: other writers kept changing the case (409
 * stream-revision-conflict) or it moved past the caller's If-Match (412), the case was busy (503), the domain
 * or the access rules refused it (any other 4xx, the domain's 409s included), or something failed.
 */
export function metricOutcomeOf(error: unknown): MetricOutcome {
  if (error instanceof CaseBusy) return 'busy';
  if (!(error instanceof HttpException)) return 'error';
  const { code } = error.getResponse() as { code?: unknown };
  if (code === 'stream-revision-conflict' || code === 'revision-mismatch') return 'conflict';
  const status = error.getStatus();
  return status >= 400 && status < 500 ? 'rejected' : 'error';
}

/** The municipalities whose settings a command may need: the one it opens a case in, or the caller's. */
function settingsCandidates({ command, principal }: CaseCommandRequest): readonly string[] | '*' {
  if (command.type === 'OpenCase') return [command.data.municipality];
  if (principal.municipalities === '*') return '*';
  return command.type === 'TransferCase'
    ? [...principal.municipalities, command.data.toMunicipality]
    : principal.municipalities;
}

/**
 * What an earlier request with this key appended to the case, if any: whether it was this very request
 * (method, path and body alike) and the response it got, rebuilt from its events.
 */
function earlierAnswer(
  request: CaseCommandRequest,
  events: readonly RecordedEvent[],
): { readonly sameRequest: boolean; outcome(): CommandOutcome } | undefined {
  const key = request.idempotency?.key;
  if (key === undefined) return undefined;
  const first = events.findIndex((event) => event.metadata.idempotency?.key === key);
  if (first < 0) return undefined;
  return {
    sameRequest: events[first].metadata.idempotency?.request === request.idempotency?.request,
    outcome: () => {
      const appended = events.slice(first).filter((event) => event.metadata.idempotency?.key === key);
      const last = appended[appended.length - 1];
      return commandOutcome(request.caseId, foldCase(events.slice(0, first)), appended, last.position);
    },
  };
}

/**
 * The events of a keyed request get ids derived from the (scoped, hashed) key. The store keeps event ids
 * unique across streams, so the same key used on another case meets its earlier events there and is
 * refused, in the same append, without an index of keys.
 */
function withKeyedIds(events: NewEvent[], key: string | undefined): NewEvent[] {
  if (key === undefined) return events;
  return events.map((event, i) => ({ ...event, id: nameBasedUuid(`idempotent-event\n${key}\n${i}`) }));
}

function nameBasedUuid(name: string): string {
  const bytes = createHash('sha256').update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
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

function revisionConflict(error: StreamKeptChanging): HttpException {
  return new HttpException(
    {
      code: 'stream-revision-conflict',
      detail: `The case kept changing while this command was decided (${error.attempts} attempts in ${error.elapsedMs} ms); try again`,
    },
    HttpStatus.CONFLICT,
  );
}

/** The commands queued before this one on its case did not finish in CASE_QUEUE_WAIT_MS; nothing was appended. */
export class CaseBusy extends HttpException {
  constructor() {
    super(
      {
        code: 'case-busy',
        detail: `The commands before this one on the same case did not finish within ${CASE_QUEUE_WAIT_MS / 1_000} s; nothing was appended, try again`,
      },
      HttpStatus.SERVICE_UNAVAILABLE,
    );
  }
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
