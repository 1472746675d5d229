import { apiRoute, json, pathId } from "@/lib/api/handler";
import { apiSegment } from "@/lib/api/segments";
import { cloneSegment } from "@/lib/dynamic-segments/lifecycle";

export const POST = apiRoute<{ id: string }>("segments.clone", async ({ db, user, params }) => {
  const clone = await cloneSegment(db, user, pathId(params.id, "The segment"));
  return json(await apiSegment(db, user, clone.id), 201);
});
