"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineFormAction } from "@/lib/actions/define-action";
import { changeOwnPassword } from "@/lib/users/queries";
import { changeOwnPasswordSchema } from "@/lib/users/schema";
import { signOutEverywhereElse } from "./user-sessions";

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

/** "Sign out everywhere else": every other session of the acting user ends at its next request. */
export const signOutEverywhereElseAction = defineFormAction({
  key: "sessions.revokeOthers",
  read: () => ({}),
  input: z.object({}),
  handler: async (_input, { db, user }) => {
    const ended = await signOutEverywhereElse(db, user);
    revalidatePath("/settings/sessions");
    return ended;
  },
  message: (n) => (n === 0 ? "No other session was open." : `Signed out ${n} other ${plural(n, "session", "sessions")}.`),
});

/** "Change password" on Settings → Sessions: the current password, then the new one. */
export const changeOwnPasswordAction = defineFormAction({
  key: "account.changePassword",
  read: (form) => ({ currentPassword: String(form.get("currentPassword") ?? ""), newPassword: String(form.get("newPassword") ?? "") }),
  input: changeOwnPasswordSchema,
  handler: async (input, { db, user }) => {
    const changed = await changeOwnPassword(db, user, input);
    revalidatePath("/settings/sessions");
    return changed;
  },
  message: ({ endedSessions: n }) =>
    n === 0 ? "Your password was changed." : `Your password was changed, and ${n} other ${plural(n, "session was", "sessions were")} signed out.`,
});
