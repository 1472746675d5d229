import "server-only";
import path from "node:path";
import type { Db } from "@/db/client";
import { getReadDb } from "@/db/replica";
import type { ActingUser } from "@/lib/access/acting-user";
import { databaseFields } from "@/lib/databases/queries";
import { invalid } from "@/lib/errors";
import { encodeHeader, encodePage, profileColumns, profileJson, type ExportOptions, type ProfileColumn } from "@/lib/export";
import type { SelectionProfile } from "@/lib/segments/selection";
import {
  countSelection,
  emptySelection,
  logAction,
  profilesWord,
  resolveSource,
  type ActionOutcome,
  type ActionPlan,
  type ResolvedSource,
  type ExportContext,
} from "./common";
import { copySelectionCsv } from "./copy-csv";
import { postgresClient, selectionProfileBatches } from "./cursor";
import { slug, today, writeExportFile } from "./export-file";
import { defineSelectionAction, runNow } from "./define";
import { exportProfilesSchema, type ExportProfilesParams } from "./schema";

async function exportOptions(db: Db, source: ResolvedSource, params: ExportProfilesParams): Promise<ExportOptions<SelectionProfile>> {
  const keys = (await databaseFields(db, source.databaseId)).map((f) => f.key);
  const columns = profileColumns(keys, params.fields, "fields");
  if (!columns.ok) throw invalid(columns.issues, "Some fields are not in this profile database.");
  return { format: params.format, columns: columns.columns, toJson: profileJson(columns.columns) };
}

async function plan(db: Db, user: ActingUser, params: ExportProfilesParams): Promise<ActionPlan> {
  const source = await resolveSource(db, user, params.source);
  await exportOptions(db, source, params);
  return {
    title: `Export profiles${source.segment ? ` of “${source.segment.name}”` : ""} as ${params.format === "csv" ? "CSV" : "NDJSON"}`,
    lockKey: null,
    databaseId: source.databaseId,
    sourceSegmentId: source.segment?.id ?? null,
  };
}

/**
 * The export's bytes: header, then the rows in `id` order. CSV on PostgreSQL comes straight from
 * `COPY … TO STDOUT` (`copy-csv.ts`, the same cells as `lib/export` writes); NDJSON, and everything on
 * PGlite, goes through the shared writer over a cursor. Memory stays constant either way.
 */
export async function* exportChunks(
  db: Db,
  source: ResolvedSource,
  options: ExportOptions<SelectionProfile>,
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

/**
 * Export profiles: the whole selection in `id` order, streamed from the database (a cursor on
 * PostgreSQL; see `exportChunks`) into a file, with constant memory. Progress counts profiles written.
 */
async function run(db: Db, user: ActingUser, params: ExportProfilesParams, ctx: ExportContext): Promise<ActionOutcome> {
  const source = await resolveSource(db, user, params.source, ctx);
  const options = await exportOptions(db, source, params);

  ctx.progress?.({ stage: "Counting the selection" });
  // The selection is read on the read replica when there is one (db/replica.ts); the log on the primary.
  const reader = await getReadDb(db);
  const total = await countSelection(reader, source);
  if (total === 0) throw emptySelection();
  ctx.progress?.({ total, done: 0, stage: `Writing ${profilesWord(total)}` });

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

  const extension = params.format === "csv" ? "csv" : "ndjson";
  const outcome: ActionOutcome = {
    count: rows,
    format: params.format,
    bytes,
    columns: options.columns.map((c) => c.header).join(","),
    downloadName: `${slug(source.segment?.name ?? "selection")}-profiles-${today()}.${extension}`,
    summary: `Exported ${profilesWord(rows)} as ${params.format === "csv" ? "CSV" : "NDJSON"}`,
  };
  if (source.segment) await db.transaction((tx) => logAction(tx as unknown as Db, user, source, outcome, "export_profiles"));
  ctx.progress?.({ total: rows, done: rows });
  return outcome;
}

export const exportProfilesEntry = defineSelectionAction({
  kind: "export_profiles",
  policyKey: "segments.exportProfiles",
  schema: exportProfilesSchema,
  label: "Export profiles",
  exportFile: { extension: (params) => params.format },
  plan,
  run,
});

/** Exports now into `ctx.file`, without a job (tests, scripts). */
export const exportProfiles = runNow(exportProfilesEntry);
