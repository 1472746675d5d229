import { apiRoute, json } from "@/lib/api/handler";
import { withApiPaths } from "@/lib/api/errors";
import { parseInput, SEGMENT_PATHS } from "@/lib/api/parse";
import { previewBody } from "@/lib/api/schemas";
import { calculateSelection, showSelection } from "@/lib/segments/selection";

/** A quick segment: the count and the first 100 profiles of a rule, without saving it. */
export const POST = apiRoute("segments.show", async ({ db, user, json: body }) => {
  const input = parseInput(previewBody, await body());
  const rule = { databaseId: input.database_id, range: input.range, conditions: input.conditions, limit: input.limit };
  return withApiPaths(SEGMENT_PATHS, async () => {
    const { count } = await calculateSelection(db, user, rule);
    const profiles = await showSelection(db, user, rule);
    return json({ count, profiles });
  });
});
