import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { announce } from '../announce';
import { ApiError, getJson } from '../api';
import type { AlertKind, AlertMessage, ObligationItem, ObligationPage, Session } from '../api-types';
import {
  arrange,
  type Column,
  COLUMN_DESCRIPTIONS,
  COLUMN_TITLES,
  COLUMNS,
  isUnknown,
  itemKey,
  matches,
  type Overrides,
  pruneOverrides,
  recordAlert,
} from '../board';
import { municipalityLabel, ruleName } from '../catalogue';
import { formatDateTime, formatDeadline, shortId, timeToDue } from '../format';
import type { LiveAlerts, LiveStatus } from '../live';
import { type BoardFilters, caseHref } from '../router';
import { MunicipalityFilter, RuleFilter } from './filters';
import { Basis, type Catalogue, ErrorMessage, StateBadge, ViewHeading } from './shared';

const PAGE_SIZE = '500';
/** Enough for any municipality's open obligations; past it the board says it shows only the soonest. */
const MAX_PAGES = 20;
const TICK_MS = 30_000;

const ALERT_WORDS: Readonly<Record<AlertKind, string>> = {
  breached: 'Frist overskredet',
  'due-soon': 'Frist nærmer sig',
  'fulfilled-late': 'Frist opfyldt for sent',
};

const LIVE_WORDS: Readonly<Record<LiveStatus, string>> = {
  connecting: 'Forbinder til live-opdateringer…',
  open: 'Live-opdateringer er slået til',
  reconnecting: 'Live-opdateringer er afbrudt; forbinder igen…',
};

interface Loaded {
  readonly items: readonly ObligationItem[];
  readonly truncated: boolean;
  readonly at: Date;
}

/** Every open obligation in scope, page after page (the read model pages by key, so none is seen twice). */
async function loadOpenObligations(
  filters: BoardFilters,
  minPosition: string | null,
): Promise<Omit<Loaded, 'at'>> {
  const items: ObligationItem[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { body } = await getJson<ObligationPage>('/v1/obligations', {
      state: 'open,due-soon,breached',
      municipality: filters.municipality,
      rule: filters.rule,
      limit: PAGE_SIZE,
      cursor,
      ...(minPosition !== null && page === 0 && { minPosition, wait: '3000' }),
    });
    items.push(...body.items);
    if (body.next === null) return { items, truncated: false };
    cursor = body.next;
  }
  return { items, truncated: true };
}

/** A key of every municipality: those the catalogue names, those with obligations, and the one chosen. */
function municipalitiesInScope(
  session: Session,
  items: readonly ObligationItem[],
  names: ReadonlyMap<string, string>,
  chosen: string | undefined,
): string[] {
  if (session.municipalities !== '*') return [...session.municipalities].sort();
  const codes = new Set([...names.keys(), ...items.map((item) => item.municipality)]);
  if (chosen !== undefined) codes.add(chosen);
  return [...codes].sort();
}

/**
 * Frister: the open obligations of the municipalities in scope in three columns (breached, due within the
 * warning lead, open later), soonest due first, kept current by the alert stream.
 */
export function BoardView({
  filters,
  session,
  live,
  catalogue,
  onFilters,
}: {
  filters: BoardFilters;
  session: Session;
  live: LiveAlerts;
  catalogue: Catalogue;
  onFilters: (filters: BoardFilters) => void;
}) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [overrides, setOverrides] = useState<Overrides>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [liveStatus, setLiveStatus] = useState<LiveStatus>(live.status);
  const generation = useRef(0);
  const refetchTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const itemsRef = useRef<readonly ObligationItem[]>([]);

  const serverFilters = useMemo(
    () => ({ municipality: filters.municipality, rule: filters.rule }),
    [filters.municipality, filters.rule],
  );

  const load = useCallback(
    async (minPosition: string | null = null) => {
      const mine = ++generation.current;
      try {
        const result = await loadOpenObligations(serverFilters, minPosition);
        if (mine !== generation.current) return;
        itemsRef.current = result.items;
        setLoaded({ ...result, at: new Date() });
        setOverrides((current) => pruneOverrides(current, result.items));
        setNow(Date.now());
        setError(null);
      } catch (caught) {
        if (mine !== generation.current) return;
        const apiError = caught instanceof ApiError ? caught : null;
        setError(apiError?.message ?? 'Fristerne kunne ikke hentes.');
        if (apiError?.status === 503) {
          clearTimeout(refetchTimer.current);
          refetchTimer.current = setTimeout(() => void load(), (apiError.retryAfter ?? 5) * 1_000);
        }
      }
    },
    [serverFilters],
  );

  useEffect(() => {
    void load();
    return () => {
      generation.current++;
      clearTimeout(refetchTimer.current);
    };
  }, [load]);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    setLiveStatus(live.status);
    let previous = live.status;
    const offStatus = live.onStatus((status) => {
      setLiveStatus(status);
      // Back after a break: what happened meanwhile that the resumed stream does not replay (new obligations,
      // fulfilments) is read again.
      if (previous === 'reconnecting' && status === 'open') void load();
      previous = status;
    });
    const offAlerts = live.subscribe((kind: AlertKind, alert: AlertMessage, position: string | null) => {
      if (!matches(alert, serverFilters)) return;
      setOverrides((current) => recordAlert(current, kind, alert));
      setNow(Date.now());
      const rule = alert.ruleId;
      announce(`${ALERT_WORDS[kind]}: ${rule} i sag ${shortId(alert.caseId)}.`);
      // A fulfilled obligation leaves the board; one the board has not seen yet must be fetched. Either way the
      // list is read again once the read model has the alert's event (minPosition).
      if (kind === 'fulfilled-late' || isUnknown(itemsRef.current, alert)) {
        clearTimeout(refetchTimer.current);
        refetchTimer.current = setTimeout(() => void load(position), 200);
      }
    });
    return () => {
      offStatus();
      offAlerts();
    };
  }, [live, load, serverFilters]);

  const columns = useMemo(
    () => arrange(loaded?.items ?? [], overrides, filters),
    [loaded, overrides, filters],
  );
  const municipalities = municipalitiesInScope(
    session,
    loaded?.items ?? [],
    catalogue.names,
    filters.municipality,
  );

  return (
    <div class="board-view">
      <ViewHeading title="Frister" />
      <form
        class="filters"
        role="search"
        aria-label="Filtrér frister"
        onSubmit={(event) => event.preventDefault()}
      >
        {(session.municipalities === '*' || session.municipalities.length > 1) && (
          <MunicipalityFilter
            id="filter-municipality"
            codes={municipalities}
            value={filters.municipality}
            catalogue={catalogue}
            onChange={(municipality) => onFilters({ ...filters, municipality })}
          />
        )}
        <RuleFilter
          id="filter-rule"
          value={filters.rule}
          catalogue={catalogue}
          onChange={(rule) => onFilters({ ...filters, rule })}
        />
        <div class="field">
          <label for="filter-case">Sag (id eller begyndelsen af det)</label>
          <input
            id="filter-case"
            type="search"
            autoComplete="off"
            spellcheck={false}
            value={filters.caseId ?? ''}
            onInput={(event) =>
              onFilters({ ...filters, caseId: (event.target as HTMLInputElement).value.trim() || undefined })
            }
          />
        </div>
      </form>
      <p class="board-status">
        <span class={`live live--${liveStatus}`} data-testid="live-status">
          <span aria-hidden="true">{liveStatus === 'open' ? '● ' : '○ '}</span>
          {LIVE_WORDS[liveStatus]}
        </span>
        {loaded !== null && (
          <span>
            {' '}
            · Hentet {formatDateTime(loaded.at)}
            {' · '}
            <button type="button" class="button button--link" onClick={() => void load()}>
              Opdatér nu
            </button>
          </span>
        )}
      </p>
      <ErrorMessage message={error} />
      {loaded?.truncated && (
        <p class="message message--info" role="status">
          Der er flere åbne frister, end siden kan vise; kun de {loaded.items.length} først forfaldne er vist.
          Brug filtrene for at se resten.
        </p>
      )}
      {loaded === null && error === null ? (
        <p class="loading">Henter frister…</p>
      ) : (
        <div class="board">
          {COLUMNS.map((column) => (
            <BoardColumn
              key={column}
              column={column}
              items={columns[column]}
              now={now}
              catalogue={catalogue}
            />
          ))}
        </div>
      )}
    </div>
  );
}

function BoardColumn({
  column,
  items,
  now,
  catalogue,
}: {
  column: Column;
  items: readonly ObligationItem[];
  now: number;
  catalogue: Catalogue;
}) {
  const headingId = `column-${column}`;
  return (
    <section class={`column column--${column}`} aria-labelledby={headingId} data-column={column}>
      <h2 id={headingId} class="column__title">
        {COLUMN_TITLES[column]} <span class="column__count">({items.length})</span>
      </h2>
      <p class="column__description">{COLUMN_DESCRIPTIONS[column]}</p>
      {items.length === 0 ? (
        <p class="column__empty">Ingen frister.</p>
      ) : (
        <ul class="cards">
          {items.map((item) => (
            <li key={itemKey(item)}>
              <ObligationCard item={item} now={now} catalogue={catalogue} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ObligationCard({
  item,
  now,
  catalogue,
}: {
  item: ObligationItem;
  now: number;
  catalogue: Catalogue;
}) {
  return (
    <article
      class={`card card--${item.state}`}
      data-obligation-id={item.obligationId}
      data-case-id={item.caseId}
      data-state={item.state}
    >
      <p class="card__head">
        <StateBadge state={item.state} />
        <span class="card__rule">{item.ruleId}</span>
      </p>
      <h3 class="card__title">{ruleName(catalogue, item.ruleId, item.title)}</h3>
      <dl class="card__facts">
        <div>
          <dt>Frist</dt>
          <dd>
            {item.dueAt === null ? (
              'Ingen lovbestemt frist'
            ) : (
              <>
                <time dateTime={item.dueAt}>{formatDeadline(item.dueAt)}</time>
                <span class="card__left" data-testid="time-left">
                  {' '}
                  ({timeToDue(item.dueAt, now)})
                </span>
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>Sag</dt>
          <dd>
            <a href={caseHref(item.caseId)} title={item.caseId}>
              {shortId(item.caseId)}
            </a>{' '}
            <span class="card__municipality">({municipalityLabel(item.municipality, catalogue.names)})</span>
          </dd>
        </div>
        <div>
          <dt>Grundlag</dt>
          <dd>
            <Basis basis={item.basis} citation={item.citation} />
          </dd>
        </div>
      </dl>
    </article>
  );
}
