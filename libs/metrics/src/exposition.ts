/** One sample line of the Prometheus text format: `name{label="value",...} value`. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A metric family as its `# TYPE` and `# HELP` lines declare it, with its samples. */
export interface MetricFamily {
  readonly name: string;
  readonly type: string;
  readonly help: string;
  readonly samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
/** The samples a histogram or summary family writes under names of their own. */
const SUFFIXES: Record<string, readonly string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count'],
};

/**
 * Parses the Prometheus text exposition format (version 0.0.4), strictly: a line it does not understand
 * throws, naming the line. For tests and tools that read `/metrics` as Prometheus would.
 */
export function parseExposition(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const family = (name: string): MetricFamily => {
    let found = families.get(name);
    if (found === undefined) {
      found = { name, type: 'untyped', help: '', samples: [] };
      families.set(name, found);
    }
    return found;
  };
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    const where = `line ${index + 1}`;
    if (line.trim() === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) ?(.*)$/.exec(line);
    if (meta !== null) {
      const [, kind, name, rest] = meta;
      const current = family(name);
      families.set(
        name,
        kind === 'TYPE' ? { ...current, type: rest } : { ...current, help: unescapeHelp(rest) },
      );
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = parseSample(line, where);
    const owner = familyOf(sample.name, families);
    family(owner).samples.push(sample);
  }
  return families;
}

/** Every sample of the text, in order. */
export function parseSamples(text: string): Sample[] {
  return [...parseExposition(text).values()].flatMap((f) => f.samples);
}

/**
 * The samples named `name` whose labels include `labels` (other labels may differ). `sumOf` adds their
 * values: a count over every value of the labels left out.
 */
export function samplesOf(
  samples: readonly Sample[],
  name: string,
  labels: Readonly<Record<string, string>> = {},
): Sample[] {
  return samples.filter(
    (sample) =>
      sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
}

export function sumOf(
  samples: readonly Sample[],
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number {
  return samplesOf(samples, name, labels).reduce((sum, sample) => sum + sample.value, 0);
}

function familyOf(sampleName: string, families: Map<string, MetricFamily>): string {
  if (families.has(sampleName)) return sampleName;
  for (const [name, family] of families) {
    if ((SUFFIXES[family.type] ?? []).some((suffix) => sampleName === name + suffix)) return name;
  }
  return sampleName;
}

function parseSample(line: string, where: string): Sample {
  const name = NAME.exec(line)?.[0];
  if (name === undefined) throw new Error(`${where}: no metric name in "${line}"`);
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    for (;;) {
      rest = rest.replace(/^\s*,?\s*/, '');
      if (rest.startsWith('}')) {
        rest = rest.slice(1);
        break;
      }
      const label = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/.exec(rest);
      if (label === null) throw new Error(`${where}: malformed labels in "${line}"`);
      labels[label[1]] = label[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      rest = rest.slice(label[0].length);
    }
  }
  const value = /^ (\S+)( -?\d+)?$/.exec(rest);
  if (value === null) throw new Error(`${where}: no value in "${line}"`);
  return { name, labels, value: parseValue(value[1], where) };
}

/** As Prometheus reads it (Go's ParseFloat): `NaN` and `Inf` in any case; prom-client writes `Nan`. */
function parseValue(raw: string, where: string): number {
  const special = raw.toLowerCase();
  if (special === '+inf' || special === 'inf') return Number.POSITIVE_INFINITY;
  if (special === '-inf') return Number.NEGATIVE_INFINITY;
  if (special === 'nan') return Number.NaN;
  const value = Number(raw);
  if (raw === '' || Number.isNaN(value)) throw new Error(`${where}: "${raw}" is not a number`);
  return value;
}

function unescapeHelp(text: string): string {
  return text.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}
