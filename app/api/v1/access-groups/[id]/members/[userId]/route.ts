import { removeAccessGroupMember } from "@/lib/access-groups/queries";
import { apiRoute, pathId } from "@/lib/api/handler";

/** Removes a member (not a lead) from a group the caller leads (admins: any member of any group). */
export const DELETE = apiRoute<{ id: string; userId: string }>("accessGroups.manageMembers", async ({ db, user, params }) => {
  await removeAccessGroupMember(db, user, pathId(params.id, "The access group"), pathId(params.userId, "The member"));
  return new Response(null, { status: 204 });
});
