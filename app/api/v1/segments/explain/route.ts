import { apiRoute, json } from "@/lib/api/handler";
import { withApiPaths } from "@/lib/api/errors";
import { parseInput, SEGMENT_PATHS } from "@/lib/api/parse";
import { explainBody } from "@/lib/api/schemas";
import { explainSelection } from "@/lib/segments/explain";

/** Why one profile is in or out of a rule that is not saved. */
export const POST = apiRoute("segments.explain", async ({ db, user, json: body }) => {
  const input = parseInput(explainBody, await body());
  const rule = { databaseId: input.database_id, range: input.range, conditions: input.conditions, limit: input.limit };
  return withApiPaths(SEGMENT_PATHS, async () => json(await explainSelection(db, user, rule, input.profile)));
});
