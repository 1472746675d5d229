import "server-only";
import { Readable } from "node:stream";
import { CsvError, parse } from "csv-parse";
import type { Db } from "@/db/client";
import type { ActingUser } from "@/lib/access/acting-user";
import { databaseFields } from "@/lib/databases/queries";
import { SUBSCRIPTION_COLUMNS } from "@/lib/databases/schema";
import { AppError, type Issue } from "@/lib/errors";
import { CSV_SYSTEM_COLUMNS } from "./csv-format";
import { INSERT_BATCH_SIZE, insertProfileRows, visibleDatabase } from "./queries";
import type { FieldDefinition, ProfileRow } from "./schema";
import { isEmail, MAX_STRING_LENGTH, parseTextFieldValue, quoteForMessage, toTimestamp } from "./values";

/**
 * CSV import: the header row names the columns (system fields, custom field keys, subscription
 * columns); each further row is one profile. The file is parsed as a stream and inserted in batches
 * inside ONE transaction, so a bad row anywhere leaves the database as it was.
 *
 * Rows are numbered as a spreadsheet numbers them: the header is row 1, blank lines count.
 */

export const MAX_CSV_ERRORS = 20;
/** A guard against a quote that never closes swallowing the whole file into one cell. */
const MAX_RECORD_CHARS = 1_000_000;

export type CsvSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array | string> | string;

const TEXT_COLUMNS = ["email", "phone", "first_name", "last_name"] as const;
const NOT_IMPORTABLE: Record<string, string> = {
  id: "ids are assigned by the app",
  updated_at: "the app sets it",
};

/** Writes one cell into the row, or answers why it cannot. Cells given here are never empty. */
type Apply = (row: ProfileRow, text: string) => string | null;

function columnFor(name: string, fields: Map<string, FieldDefinition>): Apply | string {
  if ((TEXT_COLUMNS as readonly string[]).includes(name)) {
    const key = name as (typeof TEXT_COLUMNS)[number];
    return (row, text) => {
      if (text.length > MAX_STRING_LENGTH) return `${quoteForMessage(text)} is longer than ${MAX_STRING_LENGTH} characters`;
      if (key === "email" && !isEmail(text)) return `${quoteForMessage(text)} is not a valid email address`;
      row[key] = text;
      return null;
    };
  }
  if (name === "created_at")
    return (row, text) => {
      const at = toTimestamp(text);
      if (!at) return `${quoteForMessage(text)} is not an ISO date (2026-01-31) or date-time`;
      row.created_at = at;
      return null;
    };
  if ((SUBSCRIPTION_COLUMNS as readonly string[]).includes(name)) {
    const key = name as (typeof SUBSCRIPTION_COLUMNS)[number];
    return (row, text) => {
      const status = text.toLowerCase();
      if (status !== "subscribed" && status !== "unsubscribed") return `${quoteForMessage(text)} is not "subscribed" or "unsubscribed"`;
      row[key] = status;
      return null;
    };
  }
  const field = fields.get(name);
  if (field)
    return (row, text) => {
      const converted = parseTextFieldValue(field.type, text);
      if (!converted.ok) return converted.message;
      row.fields[field.key] = converted.value;
      return null;
    };
  if (NOT_IMPORTABLE[name]) return `${NOT_IMPORTABLE[name]}; remove this column`;
  return "not a field of this database";
}

function readHeader(cells: string[], fields: FieldDefinition[]): { columns: { name: string; apply: Apply }[] } | { issues: Issue[] } {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const issues: Issue[] = [];
  const seen = new Set<string>();
  // Spreadsheets often export empty header cells after the last column; they name nothing.
  const named = cells.slice(0, cells.findLastIndex((cell) => cell.trim() !== "") + 1);
  if (named.length === 0) return { issues: [{ path: "row 1", message: "Row 1 must name the columns (email, first_name, … or a field key)." }] };
  const columns = named.map((cell, i) => {
    const name = cell.trim().toLowerCase();
    const where = name ? `Column ${i + 1} "${cell.trim()}"` : `Column ${i + 1}`;
    const path = `row 1.column ${i + 1}`;
    if (!name) issues.push({ path, message: `${where} has no name in the header row.` });
    else if (seen.has(name)) issues.push({ path, message: `${where} appears twice in the header row.` });
    seen.add(name);
    const apply = name ? columnFor(name, byKey) : "";
    if (typeof apply === "string") {
      if (name && apply) issues.push({ path, message: `${where}: ${apply}.` });
      return { name, apply: () => null };
    }
    return { name, apply };
  });
  if (issues.length) {
    const known = [...CSV_SYSTEM_COLUMNS, ...fields.map((f) => f.key)];
    issues.push({ path: "row 1", message: `Columns this database accepts: ${known.join(", ")}.` });
    return { issues: issues.slice(0, MAX_CSV_ERRORS) };
  }
  return { columns };
}

function toNodeStream(source: CsvSource): Readable {
  if (typeof source === "string") return Readable.from([source]);
  if ("getReader" in source) {
    const reader = source.getReader();
    return Readable.from(
      (async function* () {
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) return;
            yield value;
          }
        } finally {
          reader.releaseLock();
        }
      })(),
    );
  }
  return Readable.from(source);
}

const emptyRow = (): ProfileRow => ({
  email: null,
  phone: null,
  first_name: null,
  last_name: null,
  created_at: null,
  fields: {},
  email_subscription: null,
  sms_subscription: null,
  push_subscription: null,
});

/** Thrown inside the transaction so that it rolls back; carries the problems found. */
function importFailed(issues: Issue[], stoppedEarly: boolean): AppError {
  const count = stoppedEarly ? `at least ${issues.length} problems (the first ${issues.length} are listed)` : issues.length === 1 ? "a problem" : `${issues.length} problems`;
  return new AppError("validation_failed", `The file has ${count}; nothing was imported.`, issues);
}

/**
 * Imports the profiles of a CSV file into a database the user may see (404 otherwise). Answers how many
 * profiles were inserted; a file with any problem inserts nothing and throws a `validation_failed`
 * AppError whose issues say "Row 17, column loyalty_points: "abc" is not a number." (at most 20).
 */
export async function importProfilesCsv(db: Db, user: ActingUser, databaseId: number, source: CsvSource): Promise<{ imported: number }> {
  await visibleDatabase(db, user, databaseId);
  const fields = await databaseFields(db, databaseId);

  const input = toNodeStream(source);
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: false, trim: true, max_record_size: MAX_RECORD_CHARS });
  input.on("error", (error) => parser.destroy(error));
  input.pipe(parser);
  // The parser may fail before the loop below asks for its first record (the iterator only listens from
  // then on, and then reports the failure); an 'error' event nobody listens to would crash the process.
  parser.on("error", () => {});
  const records = parser[Symbol.asyncIterator]() as AsyncIterator<string[]>;

  try {
    return await db.transaction(async (tx) => {
      const issues: Issue[] = [];
      let columns: { name: string; apply: Apply }[] | null = null;
      let rowNumber = 0;
      let imported = 0;
      let batch: ProfileRow[] = [];
      let stoppedEarly = false;

      for (;;) {
        let next: IteratorResult<string[]>;
        try {
          next = await records.next();
        } catch (error) {
          if (!(error instanceof CsvError)) throw error;
          // Records parsed before the failure may not have reached us; the parser counted them.
          const row = Math.max(rowNumber, Number((error as CsvError & { records?: number }).records) || 0) + 1;
          issues.push({ path: `row ${row}`, message: `Row ${row}: the file is not valid CSV from here on (${error.message}).` });
          break;
        }
        if (next.done) break;
        rowNumber++;
        const cells = next.value;

        if (!columns) {
          const header = readHeader(cells, fields);
          if ("issues" in header) throw importFailed(header.issues, false);
          columns = header.columns;
          continue;
        }
        if (cells.every((cell) => cell === "")) continue; // a blank line or a row of empty cells

        const row = emptyRow();
        for (let i = 0; i < cells.length; i++) {
          const text = cells[i];
          if (text === "") continue; // empty cell = no value
          const column = columns[i];
          const problem = column ? column.apply(row, text) : `a value beyond the header's ${columns.length} columns`;
          if (problem) issues.push({ path: `row ${rowNumber}.${column?.name ?? `column ${i + 1}`}`, message: `Row ${rowNumber}, ${column ? `column ${column.name}` : `column ${i + 1}`}: ${problem}.` });
          if (issues.length >= MAX_CSV_ERRORS) break;
        }
        if (issues.length >= MAX_CSV_ERRORS) {
          stoppedEarly = true;
          break;
        }
        if (issues.length) continue; // keep checking, stop writing: nothing will be kept
        batch.push(row);
        if (batch.length >= INSERT_BATCH_SIZE) {
          await insertProfileRows(tx, databaseId, batch, { returnIds: false });
          imported += batch.length;
          batch = [];
        }
      }

      if (!columns && !issues.length) throw new AppError("validation_failed", "The file is empty: the first row must name the columns.", [{ path: "row 1", message: "The file is empty." }]);
      if (issues.length) throw importFailed(issues, stoppedEarly);
      await insertProfileRows(tx, databaseId, batch, { returnIds: false });
      return { imported: imported + batch.length };
    });
  } finally {
    input.destroy();
    parser.destroy();
  }
}
