import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Metrics } from './metrics';

/**
 * docs/prometheus/alerts.yml may only use metrics that the code registers: a family renamed or removed in
 * libs/metrics would otherwise leave a rule that never fires. Also holds the rules to the failures issue 15
 * names.
 */

interface Rule {
  readonly alert?: unknown;
  readonly expr?: unknown;
  readonly for?: unknown;
  readonly labels?: { readonly severity?: unknown };
  readonly annotations?: { readonly summary?: unknown; readonly description?: unknown };
}

const RULES_FILE = join(__dirname, '..', '..', '..', 'docs', 'prometheus', 'alerts.yml');

const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'bool', 'offset']);

/** The metric names a PromQL expression selects (not its functions, label names, keywords or literals). */
function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""') // string literals
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\[[^\]]*\]/g, '') // range and subquery durations
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ''); // label lists
  const names: string[] = [];
  for (const match of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const name = match[0];
    const after = bare.slice(match.index + name.length);
    const before = bare.slice(0, match.index);
    if (KEYWORDS.has(name) || /^\s*\(/.test(after) || /\d$/.test(before)) continue; // function call, 5m, 1e3
    names.push(name);
  }
  return [...new Set(names)];
}

/** Every sample name Metrics can write: the families, and a histogram's _bucket, _sum and _count. */
function registeredNames(): Set<string> {
  const names = new Set<string>();
  for (const metric of new Metrics({ info: { version: 'test', role: 'all' } }).registry.getMetricsAsArray()) {
    const { name, type } = metric as unknown as { name: string; type: string };
    names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(name + suffix);
  }
  return names;
}

function rules(): Rule[] {
  const document = parse(readFileSync(RULES_FILE, 'utf8')) as { groups?: Array<{ rules?: Rule[] }> };
  return (document.groups ?? []).flatMap((group) => group.rules ?? []);
}

describe('docs/prometheus/alerts.yml', () => {
  it('finds the metric names of an expression, and only those', () => {
    expect(
      metricNamesIn(
        'sum by (channel) (rate(a_total{outcome!="delivered",x=~"a|b"}[15m])) / on(channel) b_seconds_bucket{le="60"} > 0.5 and absent(c)',
      ),
    ).toEqual(['a_total', 'b_seconds_bucket', 'c']);
    expect(metricNamesIn('histogram_quantile(0.99, sum by (le) (rate(d_bucket[5m]))) > 1e3')).toEqual([
      'd_bucket',
    ]);
  });

  it('uses only metric families the code registers', () => {
    const registered = registeredNames();
    const all = rules();
    expect(all.length).toBeGreaterThan(0);
    for (const rule of all) {
      expect(typeof rule.expr).toBe('string');
      const names = metricNamesIn(String(rule.expr));
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) {
        if (!registered.has(name))
          throw new Error(`${String(rule.alert)} uses ${name}, which no code registers`);
      }
    }
  });

  it('gives every rule a unique name, a severity and a summary', () => {
    const all = rules();
    expect(new Set(all.map((rule) => rule.alert)).size).toBe(all.length);
    for (const rule of all) {
      expect(rule.alert).toMatch(/^Fristvagt[A-Za-z]+$/);
      expect(['critical', 'warning']).toContain(rule.labels?.severity);
      expect(typeof rule.annotations?.summary).toBe('string');
    }
  });

  it('covers the failures that matter: stalled projections, late breaches, failing deliveries, the xmin horizon, store errors', () => {
    const uses = (family: string) =>
      rules().some((rule) => metricNamesIn(String(rule.expr)).some((n) => n.startsWith(family)));
    expect(uses('fristvagt_projection_lag_seconds')).toBe(true);
    expect(uses('fristvagt_wakeup_lateness_seconds')).toBe(true);
    expect(uses('fristvagt_alert_deliveries_total')).toBe(true);
    expect(uses('fristvagt_event_store_xmin_horizon_age_seconds')).toBe(true);
    expect(uses('fristvagt_event_store_oldest_append_age_seconds')).toBe(true);
    expect(uses('fristvagt_event_store_errors_total')).toBe(true);
    expect(uses('fristvagt_queue_backend_errors_total')).toBe(true);
  });
});
