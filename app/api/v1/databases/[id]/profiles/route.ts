import { apiRoute, json, pathId } from "@/lib/api/handler";
import { parseInput } from "@/lib/api/parse";
import { profilesEnvelope } from "@/lib/api/schemas";
import { insertProfiles } from "@/lib/profiles/queries";

/** Up to 10,000 profiles with their fields fit well inside this. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

export const POST = apiRoute<{ id: string }>(
  "profiles.import",
  async ({ db, user, params, json: body }) => {
    const databaseId = pathId(params.id, "The profile database");
    const input = parseInput(profilesEnvelope, await body());
    return json(await insertProfiles(db, user, databaseId, input.profiles), 201);
  },
  { maxBodyBytes: MAX_BODY_BYTES },
);
