import { apiRoute, json, pathId } from "@/lib/api/handler";
import { toApiVersion } from "@/lib/api/serialize";
import { restoreSegmentVersion } from "@/lib/dynamic-segments/restore-version";
import { getSegmentVersion } from "@/lib/dynamic-segments/versions";
import { AppError } from "@/lib/errors";

/** Saves version n's definition as a new version (201 with it); 409 when the segment already has it. */
export const POST = apiRoute<{ id: string; n: string }>("segments.restoreVersion", async ({ db, user, params }) => {
  const id = pathId(params.id, "The segment");
  const restored = await restoreSegmentVersion(db, user, id, pathId(params.n, "The version"));
  if (restored.version === null) throw new AppError("conflict", "The segment already has this version's definition.");
  return json(toApiVersion(await getSegmentVersion(db, user, id, restored.version)), 201);
});
