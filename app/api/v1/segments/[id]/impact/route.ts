import { apiRoute, json, pathId } from "@/lib/api/handler";
import { withApiPaths } from "@/lib/api/errors";
import { SEGMENT_PATHS } from "@/lib/api/parse";
import { segmentImpact } from "@/lib/dynamic-segments/impact";

/**
 * Who would enter, leave and stay if the saved segment took the draft `{ range?, conditions?, limit? }`
 * (what is absent stays as saved; null clears conditions or limit), with the first 20 ids of each change.
 */
export const POST = apiRoute<{ id: string }>("segments.impact", async ({ db, user, params, json: body }) => {
  const id = pathId(params.id, "The segment");
  const draft = await body();
  return json(await withApiPaths(SEGMENT_PATHS, () => segmentImpact(db, user, id, draft)));
});
