import { apiRoute, pathId } from "@/lib/api/handler";
import { parseInput, queryObject } from "@/lib/api/parse";
import { exportQuery } from "@/lib/api/schemas";
import { requireVisibleDynamicSegment } from "@/lib/access/guards";
import { databaseFields } from "@/lib/databases/queries";
import { invalid } from "@/lib/errors";
import { exportResponse, openExport, parseFieldList, profileColumns, profileJson } from "@/lib/export";
import { streamSelection } from "@/lib/segments/selection";

/** The whole selection, streamed in `id` order, as CSV (RFC 4180, formulas defused) or NDJSON. */
export const GET = apiRoute<{ id: string }>("segments.exportProfiles", async ({ db, user, params, url }) => {
  const id = pathId(params.id, "The segment");
  const query = parseInput(exportQuery, queryObject(url));
  const segment = await requireVisibleDynamicSegment(db, user, id);
  const fields = await databaseFields(db, segment.databaseId);
  const chosen = profileColumns(fields.map((f) => f.key), parseFieldList(query.fields ?? null));
  if (!chosen.ok) throw invalid(chosen.issues);
  const pages = streamSelection(
    db,
    user,
    { databaseId: segment.databaseId, range: { from: segment.rangeFrom, to: segment.rangeTo }, conditions: segment.conditions, limit: segment.limit },
    { segmentId: id },
  );
  const body = await openExport(pages, { format: query.format, columns: chosen.columns, toJson: profileJson(chosen.columns) });
  return exportResponse(body, query.format, `segment-${id}-profiles.${query.format}`);
});
