import { apiRoute, json, pathId } from "@/lib/api/handler";
import { apiSegment } from "@/lib/api/segments";
import { restoreSegment } from "@/lib/dynamic-segments/lifecycle";

export const POST = apiRoute<{ id: string }>("segments.restore", async ({ db, user, params }) => {
  const id = pathId(params.id, "The segment in the bin");
  await restoreSegment(db, user, id);
  return json(await apiSegment(db, user, id));
});
