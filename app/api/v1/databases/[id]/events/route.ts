import { apiRoute, json, pathId } from "@/lib/api/handler";
import { parseInput } from "@/lib/api/parse";
import { eventsEnvelope } from "@/lib/api/schemas";
import { insertEvents } from "@/lib/events/insert";

/** Up to 50,000 events (~200 bytes each, more with properties). */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

export const POST = apiRoute<{ id: string }>(
  "events.import",
  async ({ db, user, params, json: body }) => {
    const databaseId = pathId(params.id, "The profile database");
    const input = parseInput(eventsEnvelope, await body());
    return json(await insertEvents(db, user, databaseId, input.events), 201);
  },
  { maxBodyBytes: MAX_BODY_BYTES },
);
