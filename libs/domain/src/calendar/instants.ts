/**
 * Instants as the domain writes them, `Date.toISOString`'s form (`2026-12-09T23:00:00.000Z`: 24 characters,
 * always UTC), sort as text, so two of them are compared without parsing either. Anything in another form (no
 * milliseconds, an offset, a year beyond 9999) is parsed. For code that compares a million instants in a row,
 * such as a read model's build (docs/benchmarks.md, eighth round).
 */
export function compareInstants(a: string, b: string): number {
  if (isIsoInstant(a) && isIsoInstant(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Date.parse(a) - Date.parse(b);
}

/** `Date.toISOString`'s form: `YYYY-MM-DDTHH:mm:ss.sssZ`. */
function isIsoInstant(text: string): boolean {
  return text.length === 24 && text.charCodeAt(23) === 90 /* Z */ && text.charCodeAt(10) === 84; /* T */
}
