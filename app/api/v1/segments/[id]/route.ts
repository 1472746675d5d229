import { withApiPaths } from "@/lib/api/errors";
import { apiRoute, json, pathId } from "@/lib/api/handler";
import { parseInput, SEGMENT_PATHS } from "@/lib/api/parse";
import { updateSegmentBody } from "@/lib/api/schemas";
import { apiSegment } from "@/lib/api/segments";
import { moveSegmentToBin } from "@/lib/dynamic-segments/lifecycle";
import { updateSegment } from "@/lib/dynamic-segments/save";

type Params = { id: string };

/** A segment, live or in the bin (`deleted_at`). */
export const GET = apiRoute<Params>("segments.read", async ({ db, user, params }) =>
  json(await apiSegment(db, user, pathId(params.id, "The segment"), { binned: true })),
);

/** Changes the given fields (never the source database) and recalculates. */
export const PATCH = apiRoute<Params>("segments.update", async ({ db, user, params, json: body }) => {
  const id = pathId(params.id, "The segment");
  const current = await apiSegment(db, user, id);
  const raw = await body();
  const patch = parseInput(updateSegmentBody, raw);
  const given = (key: keyof typeof patch) => typeof raw === "object" && raw !== null && Object.hasOwn(raw, key);
  await withApiPaths(SEGMENT_PATHS, () =>
    updateSegment(db, user, id, {
      name: given("name") ? patch.name : current.name,
      databaseId: given("database_id") ? patch.database_id : current.database_id,
      range: given("range") ? patch.range : current.range,
      conditions: given("conditions") ? patch.conditions : current.conditions,
      limit: given("limit") ? patch.limit : current.limit,
      description: given("description") ? patch.description : current.description,
      tags: given("tags") ? patch.tags : current.tags,
      accessGroupIds: given("access_groups") ? patch.access_groups : current.access_groups.map((g) => g.id),
    }),
  );
  return json(await apiSegment(db, user, id));
});

/** Moves the segment to the bin (restore with POST …/restore). */
export const DELETE = apiRoute<Params>("segments.bin", async ({ db, user, params }) => {
  const id = pathId(params.id, "The segment");
  await moveSegmentToBin(db, user, id);
  return json(await apiSegment(db, user, id, { binned: true }));
});
