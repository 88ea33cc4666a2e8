import {
  type AppendResult,
  type EventStore,
  type NewEvent,
  StreamNotFound,
  WrongExpectedRevision,
} from '@fristvagt/event-store';
import { instrumentEventStore } from './event-store-metrics';
import { parseExposition, parseSamples, samplesOf, sumOf } from './exposition';
import { Metrics } from './metrics';

const FAMILIES = [
  'fristvagt_command_duration_seconds',
  'fristvagt_events_appended_total',
  'fristvagt_event_store_errors_total',
  'fristvagt_queue_backend_errors_total',
  'fristvagt_wakeups_total',
  'fristvagt_wakeup_lateness_seconds',
  'fristvagt_alert_deliveries_total',
  'fristvagt_alert_deliveries_pending',
  'fristvagt_alert_deliveries_failed',
  'fristvagt_alert_oldest_pending_delivery_age_seconds',
  'fristvagt_projection_lag_events',
  'fristvagt_projection_lag_seconds',
  'fristvagt_projection_events_applied',
  'fristvagt_obligations_open',
  'fristvagt_event_store_xmin_horizon_age_seconds',
  'fristvagt_event_store_oldest_append_age_seconds',
  'fristvagt_event_store_subscriptions_reconnecting',
  'fristvagt_metrics_source_errors_total',
];

function event(type: string): NewEvent {
  return {
    id: '00000000-0000-4000-8000-000000000000',
    type,
    data: {},
    metadata: {
      municipality: '101',
      actor: 'test',
      occurredAt: '2026-01-01T00:00:00Z',
      correlationId: 'c',
      causationId: null,
      schemaVersion: 1,
    },
  };
}

/** A store whose calls answer what the test says, and a member that is not on the port. */
class FakeStore {
  appendOutcome: () => Promise<AppendResult> = async () => ({
    nextRevision: 1n,
    position: { commit: 1n, prepare: 1n },
  });
  readOutcome: () => Promise<never[]> = async () => [];
  append = (..._args: unknown[]) => this.appendOutcome();
  readStream = () => this.readOutcome();
  readAll = () => this.readOutcome();
  subscribe = () => {
    throw new Error('not used');
  };
  health = async () => ({ adapter: 'pglite' as const, status: 'up' as const, location: 'memory' });
  close = async () => undefined;
  #secret = 'adapter-only';
  revealSecret(): string {
    return this.#secret;
  }
}

describe('Metrics', () => {
  it('registers every family in a registry of its own, in the text format Prometheus parses', async () => {
    const metrics = new Metrics({ info: { version: '1.2.3', role: 'all' } });
    const families = parseExposition(await metrics.text());
    for (const name of FAMILIES) expect(families.has(name)).toBe(true);
    expect(families.get('fristvagt_command_duration_seconds')?.type).toBe('histogram');
    expect(families.get('fristvagt_events_appended_total')?.type).toBe('counter');
    expect(families.get('process_cpu_seconds_total')?.type).toBe('counter');
    expect(families.get('fristvagt_build_info')?.samples).toEqual([
      { name: 'fristvagt_build_info', labels: { version: '1.2.3', role: 'all' }, value: 1 },
    ]);
    // Two instances do not share (or collide on) prom-client's global registry.
    const other = new Metrics({ defaultMetrics: false });
    other.eventsAppended.inc({ type: 'CaseOpened' });
    expect(sumOf(parseSamples(await metrics.text()), 'fristvagt_events_appended_total')).toBe(0);
  });

  it('observes a command once, by command type and outcome, in seconds', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    metrics.commandFinished('OpenCase', 'ok', performance.now() - 20);
    metrics.commandFinished('OpenCase', 'rejected', performance.now());
    const samples = parseSamples(await metrics.text());
    const ok = { command: 'OpenCase', outcome: 'ok' };
    expect(sumOf(samples, 'fristvagt_command_duration_seconds_count', ok)).toBe(1);
    expect(sumOf(samples, 'fristvagt_command_duration_seconds_sum', ok)).toBeGreaterThanOrEqual(0.02);
    expect(sumOf(samples, 'fristvagt_command_duration_seconds_sum', ok)).toBeLessThan(5);
    expect(sumOf(samples, 'fristvagt_command_duration_seconds_bucket', { ...ok, le: '0.01' })).toBe(0);
    expect(sumOf(samples, 'fristvagt_command_duration_seconds_bucket', { ...ok, le: '+Inf' })).toBe(1);
    expect(sumOf(samples, 'fristvagt_command_duration_seconds_count', { outcome: 'rejected' })).toBe(1);
  });

  it('counts every wake-up, and the lateness of those that appended only', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    metrics.wakeUpHandled('due', 'appended', 0.3);
    metrics.wakeUpHandled('due', 'nothing-to-do', 40);
    metrics.wakeUpHandled('warn', 'error');
    const samples = parseSamples(await metrics.text());
    expect(sumOf(samples, 'fristvagt_wakeups_total', { kind: 'due' })).toBe(2);
    expect(sumOf(samples, 'fristvagt_wakeups_total', { kind: 'warn', outcome: 'error' })).toBe(1);
    expect(sumOf(samples, 'fristvagt_wakeup_lateness_seconds_count', { kind: 'due' })).toBe(1);
    expect(sumOf(samples, 'fristvagt_wakeup_lateness_seconds_bucket', { kind: 'due', le: '0.25' })).toBe(0);
    expect(sumOf(samples, 'fristvagt_wakeup_lateness_seconds_bucket', { kind: 'due', le: '0.5' })).toBe(1);
  });

  it('reads the gauges from their sources at scrape time, once per scrape, and drops rows that went away', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    let rows = [
      { municipality: '101', rule: 'NSR-CONVENE', state: 'breached', count: 2 },
      { municipality: '461', rule: 'NSR-CONVENE', state: 'open', count: 5 },
    ];
    let reads = 0;
    metrics.setSource('obligations', async () => {
      reads++;
      return rows;
    });
    metrics.setSource('projections', async () => [
      { projection: 'obligations', lagEvents: 3, lagSeconds: 1.5, eventsApplied: 40 },
    ]);
    let samples = parseSamples(await metrics.text());
    expect(sumOf(samples, 'fristvagt_obligations_open', { municipality: '101', state: 'breached' })).toBe(2);
    expect(sumOf(samples, 'fristvagt_obligations_open', { municipality: '461', state: 'open' })).toBe(5);
    expect(sumOf(samples, 'fristvagt_projection_lag_events', { projection: 'obligations' })).toBe(3);
    expect(sumOf(samples, 'fristvagt_projection_lag_seconds', { projection: 'obligations' })).toBe(1.5);
    expect(reads).toBe(1);

    // A gauge without labels and without a source has no sample (not a 0 that would mean "nothing held").
    expect(samples.filter((s) => s.name === 'fristvagt_event_store_xmin_horizon_age_seconds')).toEqual([]);
    metrics.setSource('xminHorizonAge', async () => 12.5);
    metrics.setSource('oldestAppendAge', async () => 0.25);
    metrics.setSource('alertBacklog', async () => ({ pending: 2, oldestPendingAgeSeconds: null, failed: 1 }));
    samples = parseSamples(await metrics.text());
    expect(sumOf(samples, 'fristvagt_event_store_xmin_horizon_age_seconds')).toBe(12.5);
    expect(sumOf(samples, 'fristvagt_event_store_oldest_append_age_seconds')).toBe(0.25);
    expect(sumOf(samples, 'fristvagt_alert_deliveries_pending')).toBe(2);
    expect(sumOf(samples, 'fristvagt_alert_deliveries_failed')).toBe(1);
    expect(samplesOf(samples, 'fristvagt_alert_oldest_pending_delivery_age_seconds')).toHaveLength(1);
    expect(sumOf(samples, 'fristvagt_alert_oldest_pending_delivery_age_seconds')).toBe(0);

    rows = [{ municipality: '461', rule: 'NSR-CONVENE', state: 'open', count: 4 }];
    metrics.setSource('obligations', async () => rows);
    samples = parseSamples(await metrics.text());
    expect(samples.filter((s) => s.name === 'fristvagt_obligations_open')).toEqual([
      {
        name: 'fristvagt_obligations_open',
        labels: { municipality: '461', rule: 'NSR-CONVENE', state: 'open' },
        value: 4,
      },
    ]);
  });

  it('counts a source that fails or hangs, and leaves its gauges without samples', async () => {
    const metrics = new Metrics({ defaultMetrics: false, sourceTimeoutMs: 50 });
    metrics.setSource('projections', async () => {
      throw new Error('database down');
    });
    metrics.setSource('obligations', () => new Promise(() => undefined));
    await metrics.text();
    // Counted as the source fails, after the scrape's counters were read: the next scrape shows it.
    const samples = parseSamples(await metrics.text());
    expect(samples.filter((s) => s.name.startsWith('fristvagt_projection_'))).toEqual([]);
    expect(samples.filter((s) => s.name === 'fristvagt_obligations_open')).toEqual([]);
    expect(sumOf(samples, 'fristvagt_metrics_source_errors_total', { source: 'projections' })).toBe(1);
    expect(sumOf(samples, 'fristvagt_metrics_source_errors_total', { source: 'obligations' })).toBe(1);
  });
});

describe('instrumentEventStore', () => {
  it('counts appended events by type, and only the failures that are not the port speaking', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    const fake = new FakeStore();
    const store = instrumentEventStore(fake as unknown as EventStore, metrics);

    await store.append('case-1', [event('CaseOpened'), event('ObligationOpened'), event('ObligationOpened')]);
    fake.appendOutcome = () => Promise.reject(new WrongExpectedRevision('case-1', 0n, 1n));
    await expect(store.append('case-1', [event('CaseOpened')])).rejects.toBeInstanceOf(WrongExpectedRevision);
    fake.appendOutcome = () => Promise.reject(new Error('Connection terminated unexpectedly'));
    await expect(store.append('case-1', [event('CaseOpened')])).rejects.toThrow('Connection terminated');
    fake.readOutcome = () => Promise.reject(new StreamNotFound('case-2'));
    await expect(store.readStream('case-2')).rejects.toBeInstanceOf(StreamNotFound);
    fake.readOutcome = () => Promise.reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }));
    await expect(store.readAll()).rejects.toThrow('timeout');

    const samples = parseSamples(await metrics.text());
    expect(sumOf(samples, 'fristvagt_events_appended_total', { type: 'CaseOpened' })).toBe(1);
    expect(sumOf(samples, 'fristvagt_events_appended_total', { type: 'ObligationOpened' })).toBe(2);
    expect(sumOf(samples, 'fristvagt_event_store_errors_total', { operation: 'append' })).toBe(1);
    expect(sumOf(samples, 'fristvagt_event_store_errors_total', { operation: 'read_stream' })).toBe(0);
    expect(sumOf(samples, 'fristvagt_event_store_errors_total', { operation: 'read_all' })).toBe(1);
  });

  it('stays the adapter for everything else: its class, its own members, its private state', async () => {
    const fake = new FakeStore();
    const store = instrumentEventStore(fake as unknown as EventStore, new Metrics({ defaultMetrics: false }));
    expect(store).toBeInstanceOf(FakeStore);
    expect((store as unknown as FakeStore).revealSecret()).toBe('adapter-only');
    expect(await store.health()).toEqual(await fake.health());
    const spied = jest.spyOn(
      store,
      'revealSecret' as keyof EventStore,
    ) as unknown as jest.SpyInstance<string>;
    spied.mockReturnValue('spied');
    expect((store as unknown as FakeStore).revealSecret()).toBe('spied');
  });
});

describe('parseExposition', () => {
  it('reads labels with escapes, special values and timestamps, and refuses a line it cannot read', () => {
    const families = parseExposition(
      [
        '# HELP a_total A \\\\ help',
        '# TYPE a_total counter',
        'a_total{path="x\\"y\\\\z",le="+Inf"} 3 1700000000000',
        'b NaN',
        'c{} -Inf',
      ].join('\n'),
    );
    expect(families.get('a_total')).toEqual({
      name: 'a_total',
      type: 'counter',
      help: 'A \\ help',
      samples: [{ name: 'a_total', labels: { path: 'x"y\\z', le: '+Inf' }, value: 3 }],
    });
    expect(families.get('b')?.samples[0].value).toBeNaN();
    expect(families.get('c')?.samples[0].value).toBe(Number.NEGATIVE_INFINITY);
    expect(() => parseExposition('a_total{path=x} 1')).toThrow('line 1: malformed labels');
    expect(() => parseExposition('a_total one')).toThrow('line 1: "one" is not a number');
    expect(() => parseExposition('a_total')).toThrow('line 1: no value');
  });
});
