import { apiRoute, json } from "@/lib/api/handler";
import { DATABASE_PATHS, parseInput } from "@/lib/api/parse";
import { createDatabaseBody } from "@/lib/api/schemas";
import { toApiDatabase } from "@/lib/api/serialize";
import { withApiPaths } from "@/lib/api/errors";
import { createDatabase, listDatabases } from "@/lib/databases/queries";

export const GET = apiRoute("databases.list", async ({ db, user }) => json({ data: (await listDatabases(db, user)).map(toApiDatabase) }));

export const POST = apiRoute("databases.create", async ({ db, user, json: body }) => {
  const input = parseInput(createDatabaseBody, await body());
  const created = await withApiPaths(DATABASE_PATHS, () =>
    createDatabase(db, user, { name: input.name, fields: input.fields, accessGroupIds: input.access_groups }),
  );
  return json(toApiDatabase(created), 201);
});
