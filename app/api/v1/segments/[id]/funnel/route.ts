import { apiRoute, json, pathId } from "@/lib/api/handler";
import { funnelOfSavedSegment, publicFunnel } from "@/lib/segments/funnel";

/** The condition funnel of the saved segment; `count` equals Calculate. */
export const GET = apiRoute<{ id: string }>("segments.funnel", async ({ db, user, params }) => {
  return json(publicFunnel(await funnelOfSavedSegment(db, user, pathId(params.id, "The segment"))));
});
