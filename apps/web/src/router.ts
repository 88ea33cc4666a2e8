/**
 * Routes live in the URL's hash (#/frister, #/sag/<caseId>, #/overholdelse), so the server serves one page and
 * a view, with its filters, can be bookmarked and shared.
 */
export interface BoardFilters {
  readonly municipality?: string;
  readonly rule?: string;
  readonly caseId?: string;
}

export interface ComplianceFilters {
  readonly municipality?: string;
  readonly rule?: string;
  readonly from?: string;
  readonly to?: string;
}

export type Route =
  | { readonly view: 'frister'; readonly filters: BoardFilters }
  | { readonly view: 'sag'; readonly caseId: string }
  | { readonly view: 'overholdelse'; readonly filters: ComplianceFilters };

// The parameter names in the hash, in Danish like the rest of the page.
const BOARD_PARAMS = { municipality: 'kommune', rule: 'regel', caseId: 'sag' } as const;
const COMPLIANCE_PARAMS = { municipality: 'kommune', rule: 'regel', from: 'fra', to: 'til' } as const;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function read<K extends string>(
  params: URLSearchParams,
  names: Readonly<Record<K, string>>,
): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const [key, name] of Object.entries(names) as [K, string][]) {
    const value = params.get(name)?.trim();
    if (value) out[key] = value;
  }
  return out;
}

function write<K extends string>(
  filters: Partial<Record<K, string | undefined>>,
  names: Readonly<Record<K, string>>,
): string {
  const params = new URLSearchParams();
  for (const [key, name] of Object.entries(names) as [K, string][]) {
    const value = filters[key];
    if (value) params.set(name, value);
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** The route of a location hash; anything unknown is the board. */
export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [path, search = ''] = raw.split('?', 2);
  const segments = path.split('/').filter((segment) => segment !== '');
  const params = new URLSearchParams(search);
  if (segments[0] === 'sag' && segments[1] !== undefined) {
    return { view: 'sag', caseId: decodeURIComponent(segments[1]) };
  }
  if (segments[0] === 'overholdelse') {
    const filters = read(params, COMPLIANCE_PARAMS);
    if (filters.from !== undefined && !MONTH.test(filters.from)) delete filters.from;
    if (filters.to !== undefined && !MONTH.test(filters.to)) delete filters.to;
    return { view: 'overholdelse', filters };
  }
  return { view: 'frister', filters: read(params, BOARD_PARAMS) };
}

export function formatRoute(route: Route): string {
  switch (route.view) {
    case 'sag':
      return `#/sag/${encodeURIComponent(route.caseId)}`;
    case 'overholdelse':
      return `#/overholdelse${write(route.filters, COMPLIANCE_PARAMS)}`;
    case 'frister':
      return `#/frister${write(route.filters, BOARD_PARAMS)}`;
  }
}

export const caseHref = (caseId: string): string => formatRoute({ view: 'sag', caseId });
