import { getReadDb } from "@/db/replica";
import { apiRoute, pathId } from "@/lib/api/handler";
import { parseInput, queryObject } from "@/lib/api/parse";
import { exportQuery } from "@/lib/api/schemas";
import { databaseFields } from "@/lib/databases/queries";
import { invalid } from "@/lib/errors";
import { exportResponse, openChunks, parseFieldList, profileColumns, profileJson } from "@/lib/export";
import { resolveSource } from "@/lib/segment-actions/common";
import { exportChunks } from "@/lib/segment-actions/export-profiles";

/**
 * The whole selection, streamed in `id` order, as CSV (RFC 4180, formulas defused) or NDJSON — by the
 * same path as an export job: one snapshot of the selection read by COPY (CSV on PostgreSQL) or a
 * server-side cursor, keyset pages on the embedded database.
 */
export const GET = apiRoute<{ id: string }>("segments.exportProfiles", async ({ db, user, params, url }) => {
  const id = pathId(params.id, "The segment");
  const query = parseInput(exportQuery, queryObject(url));
  const source = await resolveSource(db, user, { segmentId: id });
  const fields = await databaseFields(db, source.databaseId);
  const chosen = profileColumns(fields.map((f) => f.key), parseFieldList(query.fields ?? null));
  if (!chosen.ok) throw invalid(chosen.issues);
  // Access was checked on the primary; the rows come from the read replica when there is one.
  const body = await openChunks(exportChunks(await getReadDb(db), source, { format: query.format, columns: chosen.columns, toJson: profileJson(chosen.columns) }));
  return exportResponse(body, query.format, `segment-${id}-profiles.${query.format}`);
});
