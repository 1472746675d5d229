import { listAccessGroups } from "@/lib/access-groups/queries";
import { apiRoute, json } from "@/lib/api/handler";
import { toApiAccessGroup } from "@/lib/api/serialize";

/** The caller's access groups (admins: all); members are listed to those who manage them. */
export const GET = apiRoute("accessGroups.list", async ({ db, user }) => json({ data: (await listAccessGroups(db, user)).map(toApiAccessGroup) }));
