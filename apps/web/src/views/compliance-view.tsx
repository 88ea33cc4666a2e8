import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, getJson } from '../api';
import type { Compliance, Session } from '../api-types';
import { ruleName } from '../catalogue';
import { type ChartConfiguration, DASHES, POINT_STYLES, SERIES_COLOURS } from '../charts';
import { binLabel, chartedRules, recentMonths, ruleTotals, shareSeries, windowMonths } from '../compliance';
import { copenhagenMonth, formatCount, formatMonth, formatPercent } from '../format';
import type { ComplianceFilters } from '../router';
import { ChartFigure } from './chart-figure';
import { MunicipalityFilter, RuleFilter } from './filters';
import { Basis, type Catalogue, ErrorMessage, ViewHeading } from './shared';

type LoadState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'loaded'; readonly report: Compliance };

function shareConfig(report: Compliance, catalogue: Catalogue): ChartConfiguration {
  const months = windowMonths(report);
  return {
    type: 'line',
    data: {
      labels: months.map((month) => formatMonth(month)),
      datasets: chartedRules(report).map((rule, index) => ({
        label: `${rule.ruleId} – ${ruleName(catalogue, rule.ruleId, rule.title)}`,
        data: shareSeries(rule),
        borderColor: SERIES_COLOURS[index % SERIES_COLOURS.length],
        backgroundColor: SERIES_COLOURS[index % SERIES_COLOURS.length],
        pointStyle: POINT_STYLES[index % POINT_STYLES.length],
        pointRadius: 5,
        borderDash: DASHES[index % DASHES.length],
        borderWidth: 2,
        spanGaps: false,
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        y: {
          min: 0,
          max: 100,
          title: { display: true, text: 'Opfyldt rettidigt (%)' },
          ticks: { callback: (value) => `${value} %` },
        },
        x: { title: { display: true, text: 'Måned for fristen' } },
      },
      plugins: {
        legend: { position: 'bottom', labels: { usePointStyle: true } },
        tooltip: {
          callbacks: {
            label: (item) => `${item.dataset.label ?? ''}: ${item.formattedValue} %`,
          },
        },
      },
    },
  };
}

function convocationConfig(report: Compliance): ChartConfiguration {
  const bins = report.networkCouncilConvocation.bins;
  return {
    type: 'bar',
    data: {
      labels: bins.map(binLabel),
      datasets: [
        {
          label: 'Netværkssamråd indkaldt',
          data: bins.map((bin) => bin.count),
          // The first bin is within the 7 days; the axis label says so as well as the colour.
          backgroundColor: bins.map((bin) =>
            bin.maxDays !== null && bin.maxDays <= 7 ? '#009e73' : '#0072b2',
          ),
          borderColor: '#1f2933',
          borderWidth: 1,
        },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'Antal samråd' } },
        x: {
          title: { display: true, text: 'Dage fra modtagelse af politiets dokumentation til indkaldelse' },
        },
      },
      plugins: { legend: { display: false } },
    },
  };
}

/**
 * Overholdelse: how deadlines were kept, per rule and month (the share fulfilled on time), and for network
 * councils the days from the police documentation to the convocation, in the bins of seed 003.
 */
export function ComplianceView({
  filters,
  session,
  catalogue,
  onFilters,
}: {
  filters: ComplianceFilters;
  session: Session;
  catalogue: Catalogue;
  onFilters: (filters: ComplianceFilters) => void;
}) {
  const [state, setState] = useState<LoadState>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    setState((current) => (current.kind === 'loaded' ? current : { kind: 'loading' }));
    getJson<Compliance>('/v1/compliance', {
      municipality: filters.municipality,
      ruleId: filters.rule,
      from: filters.from,
      to: filters.to,
    })
      .then(({ body }) => {
        if (!cancelled) setState({ kind: 'loaded', report: body });
      })
      .catch((caught: unknown) => {
        if (cancelled) return;
        const error = caught instanceof ApiError ? caught : null;
        setState({ kind: 'failed', message: error?.message ?? 'Tallene kunne ikke hentes.' });
        if (error?.status === 503)
          retry = setTimeout(() => setAttempt((n) => n + 1), (error.retryAfter ?? 5) * 1_000);
      });
    return () => {
      cancelled = true;
      clearTimeout(retry);
    };
  }, [filters.municipality, filters.rule, filters.from, filters.to, attempt]);

  const report = state.kind === 'loaded' ? state.report : null;
  const shares = useMemo(
    () => (report === null ? null : shareConfig(report, catalogue)),
    [report, catalogue],
  );
  const convocation = useMemo(() => (report === null ? null : convocationConfig(report)), [report]);
  const multiple = session.municipalities === '*' || session.municipalities.length > 1;
  const scope = session.municipalities === '*' ? [...catalogue.names.keys()].sort() : session.municipalities;

  return (
    <div class="compliance-view">
      <ViewHeading title="Overholdelse" />
      <form class="filters" aria-label="Vælg periode og regel" onSubmit={(event) => event.preventDefault()}>
        {multiple && (
          <MunicipalityFilter
            id="compliance-municipality"
            codes={scope}
            value={filters.municipality}
            catalogue={catalogue}
            onChange={(municipality) => onFilters({ ...filters, municipality })}
          />
        )}
        <RuleFilter
          id="compliance-rule"
          value={filters.rule}
          catalogue={catalogue}
          onChange={(rule) => onFilters({ ...filters, rule })}
        />
        <MonthSelect
          id="compliance-from"
          label="Fra måned"
          value={filters.from ?? report?.from}
          onChange={(from) => onFilters({ ...filters, from })}
        />
        <MonthSelect
          id="compliance-to"
          label="Til måned"
          value={filters.to ?? report?.to}
          onChange={(to) => onFilters({ ...filters, to })}
        />
      </form>
      {state.kind === 'failed' && <ErrorMessage message={state.message} />}
      {state.kind === 'loading' && <p class="loading">Henter tallene…</p>}
      {report !== null && shares !== null && convocation !== null && (
        <>
          <p class="help">
            {formatMonth(report.from, 'long')} – {formatMonth(report.to, 'long')}. En frist tælles i den
            måned, den udløb (dansk tid). Andelen rettidigt er opfyldt rettidigt ud af opfyldt eller
            overskredet; frafaldne, bortfaldne og endnu ikke udløbne frister tæller ikke med.
          </p>
          <RuleSummary report={report} catalogue={catalogue} />
          <ChartFigure
            id="chart-on-time"
            testId="chart-on-time"
            title="Andel af frister opfyldt rettidigt, pr. regel og måned"
            summary={shareSummary(report, catalogue)}
            config={shares}
            table={<ShareTable report={report} catalogue={catalogue} />}
          />
          <ChartFigure
            id="chart-convocation"
            testId="chart-convocation"
            title="Netværkssamråd: dage fra politiets dokumentation til indkaldelse"
            summary={convocationSummary(report)}
            config={convocation}
            table={<ConvocationTable report={report} />}
          />
        </>
      )}
    </div>
  );
}

/** A month picker in Danish (a browser's own month field speaks the browser's language, not the page's). */
function MonthSelect({
  id,
  label,
  value,
  onChange,
}: {
  id: string;
  label: string;
  value: string | undefined;
  onChange: (month: string | undefined) => void;
}) {
  const months = recentMonths(copenhagenMonth(new Date()));
  if (value !== undefined && !months.includes(value)) months.push(value);
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select
        id={id}
        value={value ?? ''}
        onChange={(event) => onChange((event.target as HTMLSelectElement).value || undefined)}
      >
        {value === undefined && <option value="">Standard</option>}
        {months.map((month) => (
          <option key={month} value={month}>
            {formatMonth(month, 'long')}
          </option>
        ))}
      </select>
    </div>
  );
}

function shareSummary(report: Compliance, catalogue: Catalogue): string {
  const parts = chartedRules(report).map((rule) => {
    const totals = ruleTotals(rule.months);
    const name = ruleName(catalogue, rule.ruleId, rule.title);
    return `${rule.ruleId} (${name}) ${totals.onTimeShare === null ? 'ingen' : formatPercent(totals.onTimeShare)} rettidigt`;
  });
  return parts.length === 0
    ? 'Ingen frister udløb i perioden.'
    : `Over hele perioden: ${parts.join('; ')}. Se tabellen for hver måned.`;
}

function convocationSummary(report: Compliance): string {
  const { bins, notConvened, total } = report.networkCouncilConvocation;
  const convened = bins.reduce((sum, bin) => sum + bin.count, 0);
  const withinSeven = bins
    .filter((bin) => bin.maxDays !== null && bin.maxDays <= 7)
    .reduce((s, b) => s + b.count, 0);
  if (total === 0) return 'Ingen dokumentation fra politiet modtaget i perioden.';
  return (
    `${formatCount(total)} dokumentationer fra politiet modtaget i perioden; ${formatCount(convened)} samråd indkaldt, ` +
    `heraf ${formatCount(withinSeven)} inden for 7 dage; ${formatCount(notConvened)} endnu ikke indkaldt.`
  );
}

function RuleSummary({ report, catalogue }: { report: Compliance; catalogue: Catalogue }) {
  if (report.rules.length === 0) return <p>Ingen frister udløb i perioden.</p>;
  return (
    <table class="table summary-table" data-testid="rule-summary">
      <caption>Regler med frister i perioden</caption>
      <thead>
        <tr>
          <th scope="col">Regel</th>
          <th scope="col">Grundlag og hjemmel</th>
          <th scope="col" class="num">
            Udløbne frister
          </th>
          <th scope="col" class="num">
            Opfyldt rettidigt
          </th>
        </tr>
      </thead>
      <tbody>
        {report.rules.map((rule) => {
          const totals = ruleTotals(rule.months);
          return (
            <tr key={rule.ruleId}>
              <th scope="row">
                <span class="mono">{rule.ruleId}</span>
                <span class="summary-table__title">{ruleName(catalogue, rule.ruleId, rule.title)}</span>
              </th>
              <td>
                <Basis basis={rule.basis} citation={rule.citation} />
              </td>
              <td class="num">{formatCount(totals.due)}</td>
              <td class="num">
                {totals.onTimeShare === null
                  ? '–'
                  : `${formatPercent(totals.onTimeShare)} (${formatCount(totals.fulfilledOnTime)} af ${formatCount(totals.decided)})`}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function ShareTable({ report, catalogue }: { report: Compliance; catalogue: Catalogue }) {
  return (
    <>
      {report.rules.map((rule) => (
        <table class="table" key={rule.ruleId}>
          <caption>
            {rule.ruleId}: {ruleName(catalogue, rule.ruleId, rule.title)}
          </caption>
          <thead>
            <tr>
              <th scope="col">Måned</th>
              <th scope="col" class="num">
                Udløbet
              </th>
              <th scope="col" class="num">
                Rettidigt
              </th>
              <th scope="col" class="num">
                For sent
              </th>
              <th scope="col" class="num">
                Overskredet, åben
              </th>
              <th scope="col" class="num">
                Frafaldet
              </th>
              <th scope="col" class="num">
                Bortfaldet
              </th>
              <th scope="col" class="num">
                Andel rettidigt
              </th>
            </tr>
          </thead>
          <tbody>
            {rule.months.map((month) => (
              <tr key={month.month}>
                <th scope="row">{formatMonth(month.month, 'long')}</th>
                <td class="num">{formatCount(month.due)}</td>
                <td class="num">{formatCount(month.fulfilledOnTime)}</td>
                <td class="num">{formatCount(month.fulfilledLate)}</td>
                <td class="num">{formatCount(month.breachedOpen)}</td>
                <td class="num">{formatCount(month.waived)}</td>
                <td class="num">{formatCount(month.cancelled)}</td>
                <td class="num">{month.onTimeShare === null ? '–' : formatPercent(month.onTimeShare)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </>
  );
}

function ConvocationTable({ report }: { report: Compliance }) {
  const { bins, notConvened, total } = report.networkCouncilConvocation;
  return (
    <table class="table">
      <caption>Dage fra modtagelse af politiets dokumentation til indkaldelse af netværkssamråd</caption>
      <thead>
        <tr>
          <th scope="col">Dage</th>
          <th scope="col" class="num">
            Antal samråd
          </th>
          <th scope="col" class="num">
            Andel
          </th>
        </tr>
      </thead>
      <tbody>
        {bins.map((bin) => (
          <tr key={bin.label}>
            <th scope="row">
              {binLabel(bin)}
              {bin.maxDays !== null && bin.maxDays <= 7 ? ' (inden for fristen)' : ''}
            </th>
            <td class="num">{formatCount(bin.count)}</td>
            <td class="num">{total === 0 ? '–' : formatPercent(bin.count / total)}</td>
          </tr>
        ))}
        <tr>
          <th scope="row">Ikke indkaldt</th>
          <td class="num">{formatCount(notConvened)}</td>
          <td class="num">{total === 0 ? '–' : formatPercent(notConvened / total)}</td>
        </tr>
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">I alt</th>
          <td class="num">{formatCount(total)}</td>
          <td class="num">{total === 0 ? '–' : formatPercent(1)}</td>
        </tr>
      </tfoot>
    </table>
  );
}
