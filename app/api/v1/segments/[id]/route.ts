import { withApiPaths } from "@/lib/api/errors";
import { apiRoute, json, pathId } from "@/lib/api/handler";
import { parseInput, SEGMENT_PATHS } from "@/lib/api/parse";
import { createSegmentBody, segmentInputOfBody } from "@/lib/api/schemas";
import { apiSegment } from "@/lib/api/segments";
import { moveSegmentToBin } from "@/lib/dynamic-segments/lifecycle";
import { changeSegment, prepareSegment } from "@/lib/dynamic-segments/save";

type Params = { id: string };

/** A segment, live or in the bin (`deleted_at`). */
export const GET = apiRoute<Params>("segments.read", async ({ db, user, params }) =>
  json(await apiSegment(db, user, pathId(params.id, "The segment"), { binned: true })),
);

/**
 * Changes the given fields (never the source database) and recalculates. The fields not given are the
 * segment's own; the whole is parsed once, its selection prepared once.
 */
export const PATCH = apiRoute<Params>("segments.update", async ({ db, user, params, json: body }) => {
  const id = pathId(params.id, "The segment");
  const current = await apiSegment(db, user, id);
  const raw = await body();
  const stored = {
    name: current.name,
    database_id: current.database_id,
    range: current.range,
    conditions: current.conditions,
    limit: current.limit,
    description: current.description,
    tags: current.tags,
    access_groups: current.access_groups.map((g) => g.id),
  };
  // A body that is not an object fails the parse as it is (with its path), like any other bad value.
  const merged = typeof raw === "object" && raw !== null && !Array.isArray(raw) ? { ...stored, ...raw } : raw;
  const input = segmentInputOfBody(parseInput(createSegmentBody, merged));
  await withApiPaths(SEGMENT_PATHS, async () => changeSegment(db, user, await prepareSegment(db, user, input, { segmentId: id })));
  return json(await apiSegment(db, user, id));
});

/** Moves the segment to the bin (restore with POST …/restore). */
export const DELETE = apiRoute<Params>("segments.bin", async ({ db, user, params }) => {
  const id = pathId(params.id, "The segment");
  await moveSegmentToBin(db, user, id);
  return json(await apiSegment(db, user, id, { binned: true }));
});
