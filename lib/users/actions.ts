"use server";

import { revalidatePath } from "next/cache";
import { runAction, toFormState, type ActionResult, type FormState } from "@/lib/actions/safe-action";
import { signOutUserEverywhere } from "@/lib/auth/user-sessions";
import { changeUserRole, createUser, setUserActive, setUserPassword } from "./queries";

const text = (form: FormData, name: string) => String(form.get(name) ?? "");

export async function createUserAction(_prev: FormState, form: FormData): Promise<FormState> {
  const input = { name: text(form, "name"), email: text(form, "email"), role: text(form, "role"), password: text(form, "password") };
  const result = await runAction("users.create", ({ db, user }) => createUser(db, user, input));
  if (result.ok) revalidatePath("/settings/users");
  return toFormState(result, `${input.name.trim()} can now sign in with ${input.email.trim()}.`);
}

export async function changeUserRoleAction(userId: number, role: string): Promise<ActionResult> {
  const result = await runAction("users.update", ({ db, user }) => changeUserRole(db, user, Number(userId), role));
  if (result.ok) revalidatePath("/settings/users");
  return result;
}

export async function setUserActiveAction(userId: number, active: boolean): Promise<ActionResult> {
  const result = await runAction("users.update", ({ db, user }) => setUserActive(db, user, Number(userId), active === true));
  if (result.ok) revalidatePath("/settings/users");
  return result;
}

export async function setUserPasswordAction(userId: number, password: string): Promise<ActionResult> {
  return runAction("users.update", ({ db, user }) => setUserPassword(db, user, Number(userId), password));
}

/** An admin ends every session of a user (e.g. a lost laptop); they must sign in again. */
export async function signOutUserEverywhereAction(userId: number): Promise<ActionResult<number>> {
  return runAction("users.signOut", ({ db, user }) => signOutUserEverywhere(db, user, Number(userId)));
}
