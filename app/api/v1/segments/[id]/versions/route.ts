import { apiRoute, json, pathId } from "@/lib/api/handler";
import { toApiVersion } from "@/lib/api/serialize";
import { listSegmentVersions } from "@/lib/dynamic-segments/versions";

/** Every version of the segment's definition, oldest first (a binned segment keeps its versions). */
export const GET = apiRoute<{ id: string }>("segments.read", async ({ db, user, params }) => {
  const versions = await listSegmentVersions(db, user, pathId(params.id, "The segment"));
  return json({ data: versions.map(toApiVersion) });
});
