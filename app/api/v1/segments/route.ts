import { withApiPaths } from "@/lib/api/errors";
import { apiRoute, json } from "@/lib/api/handler";
import { parseInput, queryObject, SEGMENT_PATHS } from "@/lib/api/parse";
import { createSegmentBody, segmentInputOfBody, segmentListQuery } from "@/lib/api/schemas";
import { apiSegment, apiSegmentsByIds } from "@/lib/api/segments";
import { listSegments } from "@/lib/dynamic-segments/list";
import { insertSegment, prepareSegment } from "@/lib/dynamic-segments/save";

export const GET = apiRoute("segments.list", async ({ db, user, url }) => {
  const q = parseInput(segmentListQuery, queryObject(url));
  const page = await listSegments(db, user, { q: q.q, tag: q.tag, databaseId: q.database_id, sort: q.sort, dir: q.dir, page: q.page, pageSize: q.page_size });
  const data = await apiSegmentsByIds(db, user, page.rows.map((r) => r.id));
  return json({ data, page: page.page, page_size: page.pageSize, total: page.total });
});

/** Saves a segment and calculates it once (its `count`): the body parsed once, its selection prepared once. */
export const POST = apiRoute("segments.create", async ({ db, user, json: body }) => {
  const input = segmentInputOfBody(parseInput(createSegmentBody, await body()));
  const saved = await withApiPaths(SEGMENT_PATHS, async () => insertSegment(db, user, await prepareSegment(db, user, input)));
  return json(await apiSegment(db, user, saved.id), 201);
});
