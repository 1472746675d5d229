"use server";

import { revalidatePath } from "next/cache";
import { runAction, toFormState, type FormState } from "@/lib/actions/safe-action";
import { changeOwnPassword } from "@/lib/users/queries";
import { signOutEverywhereElse } from "./user-sessions";

/** "Sign out everywhere else": every other session of the acting user ends at its next request. */
export async function signOutEverywhereElseAction(_prev: FormState, _form: FormData): Promise<FormState> {
  void _form;
  const result = await runAction("sessions.revokeOthers", ({ db, user }) => signOutEverywhereElse(db, user));
  if (result.ok) revalidatePath("/settings/sessions");
  return toFormState(result, (n) => (n === 0 ? "No other session was open." : `Signed out ${n} other session${n === 1 ? "" : "s"}.`));
}

/** "Change password" on Settings → Sessions: the current password, then the new one. */
export async function changeOwnPasswordAction(_prev: FormState, form: FormData): Promise<FormState> {
  const input = { currentPassword: String(form.get("currentPassword") ?? ""), newPassword: String(form.get("newPassword") ?? "") };
  const result = await runAction("account.changePassword", ({ db, user }) => changeOwnPassword(db, user, input));
  if (result.ok) revalidatePath("/settings/sessions");
  return toFormState(result, ({ endedSessions }) =>
    endedSessions === 0 ? "Your password was changed." : `Your password was changed, and ${endedSessions} other session${endedSessions === 1 ? " was" : "s were"} signed out.`,
  );
}
