import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { announce } from '../announce';
import { ApiError, getJson } from '../api';
import type {
  CaseHistory,
  CaseView as CaseViewBody,
  HistoryObligation,
  LifeStep,
  Session,
} from '../api-types';
import { isWaivable, orderObligations, timeline, type TimelineEntry } from '../case-timeline';
import { municipalityLabel, ruleName } from '../catalogue';
import { formatDateTime, formatDeadline, formatDuration, formatLocalDate, timeToDue } from '../format';
import { actorLabel, lifeIcon, lifeLabel } from '../labels';
import type { LiveAlerts } from '../live';
import { formatRoute } from '../router';
import { Basis, type Catalogue, ErrorMessage, StateBadge, ViewHeading } from './shared';
import { WaiveForm } from './waive-form';

interface Loaded {
  readonly history: CaseHistory;
  readonly birthDate: string | null;
  /** The ETag of GET /v1/cases/{caseId}: the revision a command's If-Match names. */
  readonly revision: number;
}

type LoadState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'loaded'; readonly data: Loaded };

async function loadCase(caseId: string): Promise<Loaded> {
  const path = `/v1/cases/${encodeURIComponent(caseId)}`;
  const [caseResponse, historyResponse] = await Promise.all([
    getJson<CaseViewBody>(path),
    getJson<CaseHistory>(`${path}/history`),
  ]);
  const etag = caseResponse.headers.get('ETag')?.replace(/^W\//, '').replace(/"/g, '');
  const revision = etag !== undefined && /^\d+$/.test(etag) ? Number(etag) : caseResponse.body.revision;
  return {
    history: historyResponse.body,
    birthDate: caseResponse.body.person?.birthDate ?? null,
    revision,
  };
}

/** The state an obligation of the history is in, in the words of the board. */
function obligationState(obligation: HistoryObligation): string {
  if (obligation.status !== 'open') return obligation.status;
  if (obligation.breached) return 'breached';
  return obligation.life.some((step) => step.kind === 'warned') ? 'due-soon' : 'open';
}

/**
 * Sag: one case as it happened in business time. Its facts and Fristvagt's derived events in one timeline,
 * and each obligation's life with its legal basis; a supervisor may waive an open one.
 */
export function CaseView({
  caseId,
  session,
  live,
  catalogue,
}: {
  caseId: string;
  session: Session;
  live: LiveAlerts;
  catalogue: Catalogue;
}) {
  const [state, setState] = useState<LoadState>({ kind: 'loading' });
  const [message, setMessage] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      const data = await loadCase(caseId);
      setState({ kind: 'loaded', data });
    } catch (caught) {
      if (caught instanceof ApiError && (caught.status === 404 || caught.code === 'invalid-case-id')) {
        setState({ kind: 'not-found' });
      } else {
        setState({ kind: 'failed', message: caught instanceof Error ? caught.message : String(caught) });
      }
    }
  }, [caseId]);

  useEffect(() => {
    setState({ kind: 'loading' });
    setMessage(null);
    void reload();
  }, [reload]);

  // An alert about this case (a warning, a breach) is shown at once.
  useEffect(
    () =>
      live.subscribe((_kind, alert) => {
        if (alert.caseId === caseId) void reload();
      }),
    [live, caseId, reload],
  );

  if (state.kind === 'loading') {
    return (
      <div>
        <ViewHeading title="Sag" />
        <p class="loading">Henter sagen…</p>
      </div>
    );
  }
  if (state.kind === 'not-found') {
    return (
      <div>
        <ViewHeading title="Sagen blev ikke fundet" />
        <p class="message message--error" data-testid="case-not-found">
          <span aria-hidden="true">⚠ </span>
          Sagen findes ikke, eller du har ikke adgang til den.
        </p>
        <p>
          <a href={formatRoute({ view: 'frister', filters: {} })}>Tilbage til fristerne</a>
        </p>
      </div>
    );
  }
  if (state.kind === 'failed') {
    return (
      <div>
        <ViewHeading title="Sag" />
        <ErrorMessage message={state.message} />
        <button type="button" class="button" onClick={() => void reload()}>
          Prøv igen
        </button>
      </div>
    );
  }

  const { history, birthDate, revision } = state.data;
  const obligations = orderObligations(history.obligations);
  const entries = timeline(history, catalogue);
  const canWaive = session.role === 'supervisor';
  const now = Date.now();

  return (
    <div class="case-view">
      <ViewHeading title={`Sag ${caseId.slice(0, 8)}`}>
        Sag <span class="mono">{caseId}</span>
      </ViewHeading>
      <dl class="case-facts">
        <div>
          <dt>Kommune</dt>
          <dd>{municipalityLabel(history.municipality, catalogue.names)}</dd>
        </div>
        {birthDate !== null && (
          <div>
            <dt>Den unges fødselsdato</dt>
            <dd>{formatLocalDate(birthDate)}</dd>
          </div>
        )}
        <div>
          <dt>Hændelser</dt>
          <dd>{history.events.length}</dd>
        </div>
        <div>
          <dt>Åbne forpligtelser</dt>
          <dd>{history.obligations.filter(isWaivable).length}</dd>
        </div>
      </dl>
      {message !== null && (
        <p class="message message--info" role="status">
          {message}
        </p>
      )}
      <div class="case-columns">
        <section aria-labelledby="obligations-title" class="case-obligations">
          <h2 id="obligations-title">Forpligtelser</h2>
          {obligations.length === 0 ? (
            <p>Sagen har ingen forpligtelser.</p>
          ) : (
            <ul class="obligations">
              {obligations.map((obligation) => (
                <li key={obligation.obligationId}>
                  <ObligationLife
                    obligation={obligation}
                    name={ruleName(catalogue, obligation.ruleId, obligation.title)}
                    now={now}
                    waive={
                      canWaive && isWaivable(obligation) ? (
                        <WaiveForm
                          caseId={caseId}
                          obligationId={obligation.obligationId}
                          ruleId={obligation.ruleId}
                          revision={revision}
                          onWaived={() => {
                            setMessage(`${obligation.ruleId} er frafaldet.`);
                            announce(`${obligation.ruleId} er frafaldet.`);
                            void reload();
                          }}
                          onStale={(text) => {
                            setMessage(text);
                            announce(text);
                            void reload();
                          }}
                        />
                      ) : null
                    }
                  />
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="timeline-title" class="case-timeline">
          <h2 id="timeline-title">Tidslinje</h2>
          <p class="help">I forretningstid: hvornår det skete, ikke hvornår det blev registreret.</p>
          <ol class="timeline">
            {entries.map((entry) => (
              <TimelineItem key={entry.key} entry={entry} />
            ))}
          </ol>
        </section>
      </div>
    </div>
  );
}

function ObligationLife({
  obligation,
  name,
  now,
  waive,
}: {
  obligation: HistoryObligation;
  /** The rule's Danish name. */
  name: string;
  now: number;
  waive: ComponentChildren;
}) {
  const state = obligationState(obligation);
  return (
    <article
      class={`obligation obligation--${state}`}
      data-obligation-id={obligation.obligationId}
      data-state={state}
      aria-labelledby={`title-${obligation.obligationId}`}
    >
      <p class="card__head">
        <StateBadge state={state} />
        <span class="card__rule">{obligation.ruleId}</span>
      </p>
      <h3 id={`title-${obligation.obligationId}`} class="card__title">
        {name}
      </h3>
      <dl class="card__facts">
        <div>
          <dt>Frist</dt>
          <dd>
            {obligation.dueAt === null ? (
              'Ingen lovbestemt frist'
            ) : (
              <>
                <time dateTime={obligation.dueAt}>{formatDeadline(obligation.dueAt)}</time>
                {obligation.status === 'open' && <span> ({timeToDue(obligation.dueAt, now)})</span>}
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>Grundlag</dt>
          <dd>
            <Basis basis={obligation.basis} citation={obligation.citation} />
          </dd>
        </div>
      </dl>
      <h4 class="life__title">Forløb</h4>
      <ol class="life">
        {obligation.life.map((step) => (
          <LifeItem
            key={`${step.kind}-${step.revision}`}
            step={step}
            reportedBreached={obligation.life.some((other) => other.kind === 'breached')}
          />
        ))}
      </ol>
      {waive}
    </article>
  );
}

function LifeItem({ step, reportedBreached }: { step: LifeStep; reportedBreached: boolean }) {
  const lateMs = Date.parse(step.recordedAt) - Date.parse(step.at);
  return (
    <li class={`life__step life__step--${step.kind}${step.onTime === false ? ' life__step--late' : ''}`}>
      <span class="life__icon" aria-hidden="true">
        {lifeIcon(step.kind, step.onTime)}
      </span>
      <span class="life__what">{lifeLabel(step.kind, step.onTime)}</span>{' '}
      <time dateTime={step.at}>{formatDateTime(step.at)}</time>
      {step.by ? <span class="life__by"> · {actorLabel(step.by)}</span> : null}
      {lateMs > 60_000 && step.kind !== 'breached' && step.kind !== 'warned' ? (
        <span class="life__recorded"> · registreret {formatDuration(lateMs)} senere</span>
      ) : null}
      {step.kind === 'fulfilled' && step.onTime === true && reportedBreached ? (
        <span class="life__note">
          {' '}
          · fristen var overholdt, men det blev først registreret, efter at den var meldt overskredet
        </span>
      ) : null}
      {step.reason ? <span class="life__reason"> · Årsag: {step.reason}</span> : null}
      {step.justification ? (
        <blockquote class="life__justification">
          <span class="visually-hidden">Begrundelse: </span>
          {step.justification}
        </blockquote>
      ) : null}
    </li>
  );
}

function TimelineItem({ entry }: { entry: TimelineEntry }) {
  return (
    <li class={`timeline__item timeline__item--${entry.kind}`} data-type={entry.type}>
      <time dateTime={entry.at} class="timeline__when">
        {formatDateTime(entry.at)}
      </time>
      <span class="timeline__what">
        {entry.kind === 'obligation' && <span class="visually-hidden">Fristvagt: </span>}
        {entry.label}
      </span>
      {entry.details.length > 0 && <span class="timeline__details">{entry.details.join(' · ')}</span>}
      <span class="timeline__meta">
        {actorLabel(entry.actor)}
        {entry.recordedLateMs !== null && <> · registreret {formatDuration(entry.recordedLateMs)} senere</>}
      </span>
    </li>
  );
}
