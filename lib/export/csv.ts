/**
 * CSV cells and lines per RFC 4180 (comma, CRLF, quotes doubled, a field quoted when it holds a comma,
 * quote, CR or LF), with spreadsheet formula defusing per SPEC §5: a text cell that starts with `=`,
 * `+`, `-`, `@`, tab or CR gets a leading `'`, so a spreadsheet shows it instead of evaluating it.
 * Numbers stay numbers (`-5` is written as -5); booleans are `true` / `false`; null and undefined are
 * empty cells. Pure: usable on the server and in the browser.
 */
export type CellValue = string | number | boolean | bigint | Date | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** A text cell made safe for spreadsheets. */
export function defuseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export function csvCell(value: CellValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "boolean") return value ? "true" : "false";
  const text = defuseFormula(value instanceof Date ? value.toISOString() : value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, CRLF-terminated. */
export function csvLine(values: readonly CellValue[]): string {
  return values.map(csvCell).join(",") + "\r\n";
}
