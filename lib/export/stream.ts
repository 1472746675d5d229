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

/** The export's text: the header (CSV), then each non-empty page encoded. */
async function* encodedChunks<T>(pages: AsyncIterator<T[]>, opts: ExportOptions<T>): AsyncGenerator<string> {
  const header = encodeHeader(opts);
  if (header) yield header;
  for await (const page of { [Symbol.asyncIterator]: () => pages }) if (page.length) yield encodePage(page, opts);
}

/**
 * A byte stream of chunks (after any already read), pulling the next only when the reader wants more
 * (backpressure), and stopping the source when the reader goes away.
 */
function chunkStream(chunks: AsyncIterator<string | Uint8Array>, primed: Uint8Array[] = [], done = false): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const ready = primed.shift();
        if (ready) return controller.enqueue(ready);
        if (done) return controller.close();
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(typeof next.value === "string" ? encoder.encode(next.value) : next.value);
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

/** Streams pages of rows as CSV or NDJSON (see `chunkStream`). */
export function encodeRows<T>(pages: AsyncIterator<T[]>, opts: ExportOptions<T>): ReadableStream<Uint8Array> {
  return chunkStream(encodedChunks(pages, opts));
}

/**
 * Starts an export of pages of rows: reads the first page before anything is sent, so that access and
 * validation errors (which the source raises on its first page) still become a proper error status.
 */
export async function openExport<T>(source: AsyncIterable<T[]>, opts: ExportOptions<T>): Promise<ReadableStream<Uint8Array>> {
  return openChunks(encodedChunks(source[Symbol.asyncIterator](), opts));
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
  const primed: Uint8Array[] = [];
  let done = false;
  while (primed.length < 2 && !done) {
    const next = await chunks.next();
    if (next.done) done = true;
    else primed.push(typeof next.value === "string" ? encoder.encode(next.value) : next.value);
  }
  return chunkStream(chunks, primed, done);
}
