import { withApiPaths } from "@/lib/api/errors";
import { apiRoute, json } from "@/lib/api/handler";
import { MAILING_PATHS, parseInput } from "@/lib/api/parse";
import { createMailingBody } from "@/lib/api/schemas";
import { toApiMailing } from "@/lib/api/serialize";
import { createMailing } from "@/lib/mailings/queries";

export const POST = apiRoute("mailings.create", async ({ db, user, json: body }) => {
  const input = parseInput(createMailingBody, await body());
  const mailing = await withApiPaths(MAILING_PATHS, () =>
    createMailing(db, user, { name: input.name, databaseId: input.database_id, segmentId: input.segment_id }),
  );
  return json(toApiMailing(mailing), 201);
});
