"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction, defineFormAction } from "@/lib/actions/define-action";
import { idSchema } from "@/lib/validation/input";
import {
  addAccessGroupMember,
  createAccessGroup,
  deleteAccessGroup,
  removeAccessGroupMember,
  renameAccessGroup,
  setAccessGroupLeads,
} from "./queries";
import { createGroupSchema, groupNameSchema, memberEmailSchema } from "./schema";

const PAGE = "/settings/access-groups";
const groupId = idSchema("Not an access group id.");

export const createAccessGroupAction = defineFormAction({
  key: "accessGroups.manage",
  read: (form) => ({ name: String(form.get("name") ?? ""), leadIds: form.getAll("leadIds").map(Number) }),
  input: createGroupSchema,
  handler: async (input, { db, user }) => {
    const created = await createAccessGroup(db, user, input);
    revalidatePath(PAGE);
    return created;
  },
  message: (_created, input) => `Created the group ${input.name}.`,
});

export const renameAccessGroupAction = defineAction({
  key: "accessGroups.manage",
  input: z.strictObject({ groupId, name: groupNameSchema }),
  handler: async (input, { db, user }) => {
    await renameAccessGroup(db, user, input.groupId, input.name);
    revalidatePath(PAGE);
  },
});

export const deleteAccessGroupAction = defineAction({
  key: "accessGroups.manage",
  input: z.strictObject({ groupId }),
  handler: async (input, { db, user }) => {
    await deleteAccessGroup(db, user, input.groupId);
    revalidatePath(PAGE);
  },
});

export const setAccessGroupLeadsAction = defineAction({
  key: "accessGroups.manage",
  input: z.strictObject({ groupId, leadIds: z.array(idSchema("Not a user id.")).max(100) }),
  handler: async (input, { db, user }) => {
    await setAccessGroupLeads(db, user, input.groupId, input.leadIds);
    revalidatePath(PAGE);
  },
});

/** "Add member": the form posts the group (a hidden field) and the member's email. */
export const addAccessGroupMemberAction = defineFormAction({
  key: "accessGroups.manageMembers",
  read: (form) => ({ groupId: Number(form.get("groupId")), email: String(form.get("email") ?? "") }),
  input: z.strictObject({ groupId, email: memberEmailSchema }),
  handler: async (input, { db, user }) => {
    const member = await addAccessGroupMember(db, user, input.groupId, input.email);
    revalidatePath(PAGE);
    return member;
  },
  message: (member) => `Added ${member.name}.`,
});

export const removeAccessGroupMemberAction = defineAction({
  key: "accessGroups.manageMembers",
  input: z.strictObject({ groupId, memberId: idSchema("Not a user id.") }),
  handler: async (input, { db, user }) => {
    await removeAccessGroupMember(db, user, input.groupId, input.memberId);
    revalidatePath(PAGE);
  },
});
