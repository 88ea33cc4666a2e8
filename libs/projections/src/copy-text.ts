/**
 * COPY's text format (https://www.postgresql.org/docs/current/sql-copy.html, "Text Format"): one line per row,
 * fields separated by tabs, `\N` for null, and a backslash before the few characters that would otherwise
 * end a field or a line. Values go in as PostgreSQL's input functions read them, as they do from an array
 * parameter.
 */
const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPED: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One field: null and undefined (a field an older event lacks) are `\N`, as in an array parameter. */
export function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text = typeof value === 'string' ? value : String(value);
  return SPECIAL.test(text) ? text.replace(SPECIALS, (char) => ESCAPED[char]) : text;
}

/**
 * One row: its fields as copyField writes them, tab-separated, ending the line. A loop, not
 * `map(copyField).join('\t')`, so that a rebuild's million lines make no array each.
 */
export function copyLine(fields: readonly unknown[]): string {
  let line = '';
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) line += '\t';
    line += copyField(fields[i]);
  }
  return `${line}\n`;
}
