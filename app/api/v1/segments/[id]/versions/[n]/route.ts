import { apiRoute, json, pathId } from "@/lib/api/handler";
import { toApiVersion } from "@/lib/api/serialize";
import { getSegmentVersion } from "@/lib/dynamic-segments/versions";

/** One version of the segment's definition; absent (or the segment invisible) → 404. */
export const GET = apiRoute<{ id: string; n: string }>("segments.read", async ({ db, user, params }) =>
  json(toApiVersion(await getSegmentVersion(db, user, pathId(params.id, "The segment"), pathId(params.n, "The version")))),
);
