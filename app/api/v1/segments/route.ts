import { withApiPaths } from "@/lib/api/errors";
import { apiRoute, json } from "@/lib/api/handler";
import { parseInput, queryObject, SEGMENT_PATHS } from "@/lib/api/parse";
import { createSegmentBody, segmentListQuery } from "@/lib/api/schemas";
import { apiSegment, apiSegmentsByIds } from "@/lib/api/segments";
import { listSegments } from "@/lib/dynamic-segments/list";
import { createSegment } from "@/lib/dynamic-segments/save";

export const GET = apiRoute("segments.list", async ({ db, user, url }) => {
  const q = parseInput(segmentListQuery, queryObject(url));
  const page = await listSegments(db, user, { q: q.q, tag: q.tag, databaseId: q.database_id, sort: q.sort, dir: q.dir, page: q.page, pageSize: q.page_size });
  const data = await apiSegmentsByIds(db, user, page.rows.map((r) => r.id));
  return json({ data, page: page.page, page_size: page.pageSize, total: page.total });
});

/** Saves a segment and calculates it once (its `count`). */
export const POST = apiRoute("segments.create", async ({ db, user, json: body }) => {
  const input = parseInput(createSegmentBody, await body());
  const saved = await withApiPaths(SEGMENT_PATHS, () =>
    createSegment(db, user, {
      name: input.name,
      databaseId: input.database_id,
      range: input.range,
      conditions: input.conditions,
      limit: input.limit,
      description: input.description,
      tags: input.tags,
      accessGroupIds: input.access_groups,
    }),
  );
  return json(await apiSegment(db, user, saved.id), 201);
});
