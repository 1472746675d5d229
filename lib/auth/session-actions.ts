"use server";

import { revalidatePath } from "next/cache";
import { runAction, toFormState, type FormState } from "@/lib/actions/safe-action";
import { signOutEverywhereElse } from "./user-sessions";

/** "Sign out everywhere else": every other session of the acting user ends at its next request. */
export async function signOutEverywhereElseAction(_prev: FormState, _form: FormData): Promise<FormState> {
  void _form;
  const result = await runAction("sessions.revokeOthers", ({ db, user }) => signOutEverywhereElse(db, user));
  if (result.ok) revalidatePath("/settings/sessions");
  return toFormState(result, (n) => (n === 0 ? "No other session was open." : `Signed out ${n} other session${n === 1 ? "" : "s"}.`));
}
