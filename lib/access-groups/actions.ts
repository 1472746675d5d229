"use server";

import { revalidatePath } from "next/cache";
import { runAction, toFormState, type ActionResult, type FormState } from "@/lib/actions/safe-action";
import {
  addAccessGroupMember,
  createAccessGroup,
  deleteAccessGroup,
  removeAccessGroupMember,
  renameAccessGroup,
  setAccessGroupLeads,
} from "./queries";

const PAGE = "/settings/access-groups";

const ids = (form: FormData, name: string) =>
  form
    .getAll(name)
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);

export async function createAccessGroupAction(_prev: FormState, form: FormData): Promise<FormState> {
  const name = String(form.get("name") ?? "");
  const result = await runAction("accessGroups.manage", ({ db, user }) => createAccessGroup(db, user, { name, leadIds: ids(form, "leadIds") }));
  if (result.ok) revalidatePath(PAGE);
  return toFormState(result, `Created the group ${name.trim()}.`);
}

export async function renameAccessGroupAction(groupId: number, name: string): Promise<ActionResult> {
  const result = await runAction("accessGroups.manage", ({ db, user }) => renameAccessGroup(db, user, Number(groupId), name));
  if (result.ok) revalidatePath(PAGE);
  return result;
}

export async function deleteAccessGroupAction(groupId: number): Promise<ActionResult> {
  const result = await runAction("accessGroups.manage", ({ db, user }) => deleteAccessGroup(db, user, Number(groupId)));
  if (result.ok) revalidatePath(PAGE);
  return result;
}

export async function setAccessGroupLeadsAction(groupId: number, leadIds: number[]): Promise<ActionResult> {
  const result = await runAction("accessGroups.manage", ({ db, user }) =>
    setAccessGroupLeads(db, user, Number(groupId), Array.isArray(leadIds) ? leadIds.map(Number) : []),
  );
  if (result.ok) revalidatePath(PAGE);
  return result;
}

/** "Add member": the group is bound as the first argument; the form sends the member's email. */
export async function addAccessGroupMemberAction(groupId: number, _prev: FormState, form: FormData): Promise<FormState> {
  const result = await runAction("accessGroups.manageMembers", ({ db, user }) => addAccessGroupMember(db, user, Number(groupId), String(form.get("email") ?? "")));
  if (result.ok) revalidatePath(PAGE);
  return toFormState(result, (member) => `Added ${member.name}.`);
}

export async function removeAccessGroupMemberAction(groupId: number, memberId: number): Promise<ActionResult> {
  const result = await runAction("accessGroups.manageMembers", ({ db, user }) => removeAccessGroupMember(db, user, Number(groupId), Number(memberId)));
  if (result.ok) revalidatePath(PAGE);
  return result;
}
