import { apiRoute, json } from "@/lib/api/handler";
import { withApiPaths } from "@/lib/api/errors";
import { parseInput, SEGMENT_PATHS } from "@/lib/api/parse";
import { previewBody } from "@/lib/api/schemas";
import { funnelOfSelection, publicFunnel } from "@/lib/segments/funnel";

/** The condition funnel of a rule that is not saved (the body of preview); `count` equals Calculate. */
export const POST = apiRoute("segments.funnel", async ({ db, user, json: body }) => {
  const input = parseInput(previewBody, await body());
  const rule = { databaseId: input.database_id, range: input.range, conditions: input.conditions, limit: input.limit };
  return withApiPaths(SEGMENT_PATHS, async () => json(publicFunnel(await funnelOfSelection(db, user, rule))));
});
