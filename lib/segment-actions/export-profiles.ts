import "server-only";
import path from "node:path";
import { z } from "zod";
import type { Db } from "@/db/client";
import { everyone, segmentRead } from "@/lib/access/policy-entry";
import { databaseFields } from "@/lib/databases/queries";
import { invalid } from "@/lib/errors";
import { encodeHeader, encodePage, EXPORT_FORMATS, profileColumns, profileJson, type ExportOptions, type ProfileColumn } from "@/lib/export";
import type { Profile } from "@/lib/profiles/profile";
import { storableText } from "@/lib/validation/input";
import { finishExport, profilesWord, startExport, type ResolvedSource } from "./common";
import { copySelectionCsv } from "./copy-csv";
import { postgresClient, selectionProfileBatches } from "./cursor";
import { slug, today, writeExportFile } from "./export-file";
import { defineSelectionAction, runNow } from "./define";
import { actionSourceSchema } from "./schema";

const exportProfilesSchema = z.strictObject({
  source: actionSourceSchema,
  format: z.enum(EXPORT_FORMATS, { error: "Choose CSV or NDJSON." }),
  /** Column keys in the order wanted; empty = every column. */
  fields: z.array(storableText().max(100)).max(300).default([]),
});
type ExportProfilesParams = z.output<typeof exportProfilesSchema>;

async function exportOptions(db: Db, source: ResolvedSource, params: ExportProfilesParams): Promise<ExportOptions<Profile>> {
  const keys = (await databaseFields(db, source.databaseId)).map((f) => f.key);
  const columns = profileColumns(keys, params.fields, "fields");
  if (!columns.ok) throw invalid(columns.issues, "Some fields are not in this profile database.");
  return { format: params.format, columns: columns.columns, toJson: profileJson(columns.columns) };
}

/**
 * The export's bytes: header, then the rows in `id` order. CSV on PostgreSQL comes straight from
 * `COPY … TO STDOUT` (`copy-csv.ts`, the same cells as `lib/export` writes); NDJSON, and everything on
 * PGlite, goes through the shared writer over a cursor. Memory stays constant either way.
 */
export async function* exportChunks(
  db: Db,
  source: ResolvedSource,
  options: ExportOptions<Profile>,
  hooks: {
    onRows?: (rows: number) => void;
    afterBatch?: (rows: number) => Promise<void>;
    /** Where a COPY export split in two keeps its second half meanwhile (an export: its own folder). */
    spoolDir?: string;
  } = {},
): AsyncGenerator<string | Buffer> {
  const { onRows, afterBatch, spoolDir } = hooks;
  yield encodeHeader(options);
  const client = postgresClient(db);
  if (client && options.format === "csv") {
    let seen = 0;
    for await (const chunk of copySelectionCsv(client, source.prepared.selection, options.columns as ProfileColumn[], (n) => {
      seen = n;
      onRows?.(n);
    }, { spoolDir })) {
      yield chunk;
      await afterBatch?.(seen);
    }
    return;
  }
  let rows = 0;
  for await (const page of selectionProfileBatches(db, source, 1000)) {
    rows += page.length;
    yield encodePage(page, options);
    onRows?.(rows);
    await afterBatch?.(rows);
  }
}

export const exportProfilesEntry = defineSelectionAction({
  kind: "export_profiles",
  policy: { key: "segments.exportProfiles", roles: everyone, checks: [...segmentRead, "referenced segments visible"], summary: "Export the selection (CSV / NDJSON)." },
  schema: exportProfilesSchema,
  label: "Export profiles",
  exportFile: { extension: (params) => params.format },

  async plan(db, _user, params, source) {
    await exportOptions(db, source, params);
    return { title: `Export profiles${source.segment ? ` of “${source.segment.name}”` : ""} as ${params.format === "csv" ? "CSV" : "NDJSON"}`, lockKey: null };
  },

  /**
   * Export profiles: the whole selection in `id` order, streamed from the database (a cursor on
   * PostgreSQL; see `exportChunks`) into a file, with constant memory. Progress counts profiles written.
   */
  async run(db, user, params, source, ctx) {
    const options = await exportOptions(db, source, params);
    const { reader } = await startExport(db, source, ctx, (profiles) => `Writing ${profiles}`);

    let rows = 0;
    const chunks = exportChunks(reader, source, options, {
      onRows: (n) => {
        rows = n;
        ctx.progress?.({ done: n });
      },
      afterBatch: ctx.afterBatch,
      // Beside the file: each export (and each test) keeps its temporary files in its own folder.
      spoolDir: path.dirname(ctx.file),
    });
    const { bytes } = await writeExportFile(ctx.file, chunks);

    return finishExport(db, user, source, ctx, {
      count: rows,
      format: params.format,
      bytes,
      columns: options.columns.map((c) => c.header).join(","),
      downloadName: `${slug(source.segment?.name ?? "selection")}-profiles-${today()}.${params.format}`,
      summary: `Exported ${profilesWord(rows)} as ${params.format === "csv" ? "CSV" : "NDJSON"}`,
    }, "export_profiles");
  },
});

/** Exports now into `ctx.file`, without a job (tests, scripts). */
export const exportProfiles = runNow(exportProfilesEntry);
