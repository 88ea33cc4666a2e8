/** A cell of a CSV export: text, a number (written with a decimal comma), a boolean, or empty. */
export type CsvCell = string | number | boolean | null | undefined;

export const CSV_SEPARATOR = ';';
export const UTF8_BOM = '\uFEFF';

/**
 * Characters a spreadsheet reads as the start of a formula (OWASP, CSV injection): a cell of text starting
 * with one gets a leading apostrophe, which Excel and LibreOffice show as text and do not evaluate.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A number as Danish spreadsheets read it: decimal comma, no thousands separator. */
export function danishNumber(value: number): string {
  return String(value).replace('.', ',');
}

/** One cell: formula starts neutralised, then quoted when it holds the separator, a quote or a line break. */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? danishNumber(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[;"\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A table as CSV for Danish spreadsheets (RFC 4180 quoting, `;` between cells, CRLF between rows), with a
 * UTF-8 byte-order mark first when `bom` is set, which Excel needs to read æ, ø and å right.
 */
export function toCsv(
  header: readonly string[],
  rows: readonly (readonly CsvCell[])[],
  options: { readonly bom?: boolean } = {},
): string {
  const lines = [header, ...rows].map((row) => row.map(csvCell).join(CSV_SEPARATOR));
  return `${options.bom === true ? UTF8_BOM : ''}${lines.join('\r\n')}\r\n`;
}
