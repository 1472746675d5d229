import { apiRoute, json, pathId } from "@/lib/api/handler";
import { parseInput, queryObject } from "@/lib/api/parse";
import { explainQuery } from "@/lib/api/schemas";
import { explainSavedSegment } from "@/lib/segments/explain";

/** Why one profile (`?profile=<id|email>`) is in or out of the saved segment. */
export const GET = apiRoute<{ id: string }>("segments.explain", async ({ db, user, params, url }) => {
  const id = pathId(params.id, "The segment");
  const { profile } = parseInput(explainQuery, queryObject(url));
  return json(await explainSavedSegment(db, user, id, profile));
});
