import { apiRoute, json, pathId } from "@/lib/api/handler";
import { parseInput } from "@/lib/api/parse";
import { setFieldIndexed } from "@/lib/segments/field-index";
import { fieldIndexBody } from "@/lib/segments/field-index-body";

/** Marks a custom field as indexed (builds its expression index concurrently) or not (drops it). */
export const PUT = apiRoute<{ id: string; key: string }>("databases.indexField", async ({ db, user, params, json: body }) => {
  const databaseId = pathId(params.id, "The profile database");
  const input = parseInput(fieldIndexBody, await body());
  return json(await setFieldIndexed(db, user, { databaseId, key: params.key, indexed: input.indexed }));
});
