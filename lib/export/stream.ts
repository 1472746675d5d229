import { csvLine, type CellValue } from "./csv";

export const EXPORT_FORMATS = ["csv", "ndjson"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** One column of an export: its CSV header and how to read its value from a row. */
export type ExportColumn<T> = { header: string; value: (row: T) => CellValue };

export type ExportOptions<T> = {
  format: ExportFormat;
  /** CSV: the header row and the cells. */
  columns: readonly ExportColumn<T>[];
  /** NDJSON: the object written for a row (default: the columns as `{ header: value }`). */
  toJson?: (row: T) => unknown;
  /** CSV: start with a UTF-8 byte order mark (helps Excel on Windows read non-ASCII text). */
  bom?: boolean;
};

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  ndjson: "application/x-ndjson; charset=utf-8",
};

/** The text of one page of rows in the format (CSV without the header). */
export function encodePage<T>(rows: readonly T[], opts: ExportOptions<T>): string {
  if (opts.format === "csv") return rows.map((row) => csvLine(opts.columns.map((c) => c.value(row)))).join("");
  const toJson = opts.toJson ?? ((row: T) => Object.fromEntries(opts.columns.map((c) => [c.header, c.value(row) ?? null])));
  return rows.map((row) => JSON.stringify(toJson(row)) + "\n").join("");
}

/** The CSV header line (with the BOM when asked), or "" for NDJSON. */
export function encodeHeader<T>(opts: ExportOptions<T>): string {
  if (opts.format !== "csv") return "";
  return (opts.bom ? "\uFEFF" : "") + csvLine(opts.columns.map((c) => c.header));
}

/**
 * Streams pages of rows as CSV or NDJSON, pulling the next page only when the reader wants more
 * (backpressure), and stopping the source when the reader goes away. `firstPage` is a page the caller
 * has already read (see `openExport`).
 */
export function encodeRows<T>(pages: AsyncIterator<T[]>, opts: ExportOptions<T> & { firstPage?: T[] | null }): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let pending: T[] | null | undefined = opts.firstPage;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        let text = "";
        if (!started) {
          started = true;
          text += encodeHeader(opts);
        }
        let page: T[] | null = null;
        if (pending !== undefined) {
          page = pending;
          pending = undefined;
        } else {
          const next = await pages.next();
          page = next.done ? null : next.value;
        }
        if (page && page.length) text += encodePage(page, opts);
        if (text) controller.enqueue(encoder.encode(text));
        if (!page) controller.close();
      } catch (error) {
        // Headers are gone already: the only honest signal left is a broken stream.
        console.error("export stream failed:", error);
        controller.error(error);
      }
    },
    async cancel() {
      await pages.return?.();
    },
  });
}

/**
 * Starts an export: reads the first page before anything is sent, so that access and validation errors
 * (which the source raises on its first page) still become a proper error status, then streams the rest.
 */
export async function openExport<T>(source: AsyncIterable<T[]>, opts: ExportOptions<T>): Promise<ReadableStream<Uint8Array>> {
  const pages = source[Symbol.asyncIterator]();
  const first = await pages.next();
  return encodeRows(pages, { ...opts, firstPage: first.done ? null : first.value });
}

/** A streamed download response. */
export function exportResponse(body: ReadableStream<Uint8Array>, format: ExportFormat, filename: string): Response {
  return new Response(body, {
    status: 200,
    headers: {
      "Content-Type": EXPORT_CONTENT_TYPES[format],
      "Content-Disposition": `attachment; filename="${filename.replace(/[^\w.-]+/g, "_")}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

/**
 * Starts an export from ready-made chunks, header first (`exportChunks` of lib/segment-actions: COPY on
 * PostgreSQL, a cursor or keyset pages otherwise). Reads the header and the first chunk of rows before
 * anything is sent, so that an error in starting the query still becomes a proper error status, then
 * streams the rest; a client that goes away stops the query (the iterator's `return`).
 */
export async function openChunks(source: AsyncIterable<string | Uint8Array>): Promise<ReadableStream<Uint8Array>> {
  const chunks = source[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  const bytes = (chunk: string | Uint8Array) => (typeof chunk === "string" ? encoder.encode(chunk) : chunk);
  const primed: Uint8Array[] = [];
  let done = false;
  while (primed.length < 2 && !done) {
    const next = await chunks.next();
    if (next.done) done = true;
    else primed.push(bytes(next.value));
  }
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const ready = primed.shift();
        if (ready) return controller.enqueue(ready);
        if (done) return controller.close();
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(bytes(next.value));
      } catch (error) {
        // Headers are gone already: the only honest signal left is a broken stream.
        console.error("export stream failed:", error);
        controller.error(error);
      }
    },
    async cancel() {
      await chunks.return?.(undefined);
    },
  });
}
