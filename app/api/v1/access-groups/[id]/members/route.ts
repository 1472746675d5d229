import { addAccessGroupMember } from "@/lib/access-groups/queries";
import { apiRoute, json, pathId } from "@/lib/api/handler";
import { parseInput } from "@/lib/api/parse";
import { addMemberBody } from "@/lib/api/schemas";

/** Adds an active user, by email, to a group the caller leads (admins: any group). */
export const POST = apiRoute<{ id: string }>("accessGroups.manageMembers", async ({ db, user, params, json: body }) => {
  const groupId = pathId(params.id, "The access group");
  const input = parseInput(addMemberBody, await body());
  const member = await addAccessGroupMember(db, user, groupId, input.email);
  return json({ user_id: member.userId, name: member.name, email: member.email, is_lead: member.isLead }, 201);
});
