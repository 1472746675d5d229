import "server-only";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type Db } from "@/db/client";
import { everyone, segmentRead } from "@/lib/access/policy-entry";
import { csvLine, type CellValue } from "@/lib/export";
import { formatCount } from "@/lib/format";
import { storableText } from "@/lib/validation/input";
import { finishExport, profilesWord, startExport } from "./common";
import { selectionIdBatches } from "./cursor";
import { slug, today, writeExportFile } from "./export-file";
import { defineSelectionAction, runNow } from "./define";
import { actionSourceSchema } from "./schema";

const day = storableText({ error: "Enter a date." })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "Enter a date such as 2026-01-31." })
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), {
    error: "Enter a real date such as 2026-01-31.",
  });

const exportHistorySchema = z
  .strictObject({
    source: actionSourceSchema,
    /** The period, whole UTC days, both inclusive. */
    from: day,
    to: day,
    include: z
      .array(z.enum(["events", "changes"]))
      .min(1, { error: "Include events, profile changes or both." })
      .default(["events", "changes"]),
  })
  .superRefine((v, ctx) => {
    if (v.from > v.to) ctx.addIssue({ code: "custom", path: ["to"], message: "The end of the period must not be before its start." });
  });

/** The columns of a profile history export: who/what/when, old and new values. */
export const HISTORY_COLUMNS = [
  "profile_id",
  "email",
  "at",
  "kind",
  "what",
  "channel",
  "mailing_id",
  "old_value",
  "new_value",
  "changed_by",
  "source",
  "properties",
] as const;

type HistoryRow = {
  profile_id: string | number;
  email: string | null;
  at: string;
  kind: "event" | "change";
  what: string;
  channel: string | null;
  mailing_id: number | null;
  old_value: unknown;
  new_value: unknown;
  changed_by: string | null;
  source: string | null;
  properties: unknown;
};

/** A jsonb value as a cell: text as itself, anything else as JSON; none as an empty cell. */
function jsonCell(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  const parsed = typeof value === "string" ? safeParse(value) : value;
  if (typeof parsed === "string") return parsed;
  return JSON.stringify(parsed);
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const ISO = (column: string) => sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

/** The history rows of some profiles inside [from, to), in profile, time order. */
async function historyOf(db: Db, ids: number[], from: string, to: string, include: { events: boolean; changes: boolean }): Promise<HistoryRow[]> {
  const list = sql.join(
    ids.map((id) => sql`${id}::bigint`),
    sql`, `,
  );
  const parts = [];
  if (include.events)
    parts.push(sql`
      select e.profile_id, ${ISO("e.occurred_at")} as at, e.occurred_at as sort_at, 'event' as kind, e.type as what, e.channel::text as channel,
             e.mailing_id, null::jsonb as old_value, null::jsonb as new_value, null::text as changed_by, null::text as source, e.properties, e.id
      from events e
      where e.profile_id in (${list}) and e.occurred_at >= ${from}::timestamptz and e.occurred_at < ${to}::timestamptz`);
  if (include.changes)
    parts.push(sql`
      select c.profile_id, ${ISO("c.changed_at")} as at, c.changed_at as sort_at, 'change' as kind, c.field as what, null::text as channel,
             null::int as mailing_id, c.old_value, c.new_value,
             coalesce(u.name, case when c.user_id is null then null else 'user ' || c.user_id end) as changed_by, c.source, null::jsonb as properties, c.id
      from profile_changes c left join users u on u.id = c.user_id
      where c.profile_id in (${list}) and c.changed_at >= ${from}::timestamptz and c.changed_at < ${to}::timestamptz`);
  return queryRows<HistoryRow>(
    db,
    sql`select h.profile_id::text as profile_id, p.email, h.at, h.kind, h.what, h.channel, h.mailing_id, h.old_value, h.new_value,
               h.changed_by, h.source, h.properties
        from (${sql.join(parts, sql` union all `)}) h join profiles p on p.id = h.profile_id
        order by h.profile_id, h.sort_at, h.kind, h.id`,
  );
}

/** One history row as a CSV line, in HISTORY_COLUMNS' order. */
function historyLine(h: HistoryRow): string {
  return csvLine([
    Number(h.profile_id),
    h.email,
    h.at,
    h.kind,
    h.what,
    h.channel,
    h.mailing_id,
    jsonCell(h.old_value),
    jsonCell(h.new_value),
    h.changed_by,
    h.source,
    jsonCell(h.properties),
  ]);
}

function periodOf(params: { from: string; to: string }) {
  const end = new Date(`${params.to}T00:00:00.000Z`);
  end.setUTCDate(end.getUTCDate() + 1);
  return { from: `${params.from}T00:00:00.000Z`, to: end.toISOString() };
}

export const exportHistoryEntry = defineSelectionAction({
  kind: "export_history",
  policy: { key: "segments.exportHistory", roles: everyone, checks: [...segmentRead, "referenced segments visible"], summary: "Export the selection's profile history." },
  schema: exportHistorySchema,
  label: "Export profile history",
  exportFile: { extension: () => "csv" as const },

  async plan(_db, _user, params, source) {
    return { title: `Export profile history${source.segment ? ` of “${source.segment.name}”` : ""}, ${params.from} – ${params.to}`, lockKey: null };
  },

  /**
   * Export profile history: a CSV of the selection's events and profile changes inside a period (whole
   * UTC days), profile by profile in id order, each profile's history by time. The selection's ids are
   * read in batches (a cursor on PostgreSQL) and each batch's history fetched by index, so memory stays
   * bounded however large the selection and its history.
   */
  async run(db, user, params, source, ctx) {
    const period = periodOf(params);
    const include = { events: params.include.includes("events"), changes: params.include.includes("changes") };
    const { reader } = await startExport(db, source, ctx, (profiles) => `Writing the history of ${profiles}`);

    let profiles = 0;
    let rows = 0;
    async function* chunks(): AsyncGenerator<string> {
      yield csvLine(HISTORY_COLUMNS);
      for await (const ids of selectionIdBatches(reader, source, 500)) {
        const history = await historyOf(reader, ids, period.from, period.to, include);
        rows += history.length;
        profiles += ids.length;
        yield history.map(historyLine).join("");
        ctx.progress?.({ done: profiles });
        await ctx.afterBatch?.(profiles);
      }
    }
    const { bytes } = await writeExportFile(ctx.file, chunks());

    return finishExport(db, user, source, ctx, {
      count: profiles,
      rows,
      format: "csv",
      bytes,
      from: params.from,
      to: params.to,
      downloadName: `${slug(source.segment?.name ?? "selection")}-history-${params.from}-to-${params.to}-${today()}.csv`,
      summary: `Exported the history of ${profilesWord(profiles)} (${formatCount(rows)} row${rows === 1 ? "" : "s"}, ${params.from} – ${params.to})`,
    }, "export_history");
  },
});

/** Exports now into `ctx.file`, without a job (tests, scripts). */
export const exportHistory = runNow(exportHistoryEntry);
