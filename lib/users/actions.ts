"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction, defineFormAction } from "@/lib/actions/define-action";
import { signOutUserEverywhere } from "@/lib/auth/user-sessions";
import { idSchema } from "@/lib/validation/input";
import { changeUserRole, createUser, setUserActive, setUserPassword } from "./queries";
import { createUserSchema, passwordSchema, roleSchema } from "./schema";

const PAGE = "/settings/users";
const userId = idSchema("Not a user id.");
const text = (form: FormData, name: string) => String(form.get(name) ?? "");

export const createUserAction = defineFormAction({
  key: "users.create",
  read: (form) => ({ name: text(form, "name"), email: text(form, "email"), role: text(form, "role"), password: text(form, "password") }),
  input: createUserSchema,
  handler: async (input, { db, user }) => {
    const created = await createUser(db, user, input);
    revalidatePath(PAGE);
    return created;
  },
  message: (_created, input) => `${input.name} can now sign in with ${input.email}.`,
});

export const changeUserRoleAction = defineAction({
  key: "users.update",
  input: z.strictObject({ userId, role: roleSchema }),
  handler: async (input, { db, user }) => {
    await changeUserRole(db, user, input.userId, input.role);
    revalidatePath(PAGE);
  },
});

export const setUserActiveAction = defineAction({
  key: "users.update",
  input: z.strictObject({ userId, active: z.boolean() }),
  handler: async (input, { db, user }) => {
    await setUserActive(db, user, input.userId, input.active);
    revalidatePath(PAGE);
  },
});

export const setUserPasswordAction = defineAction({
  key: "users.update",
  input: z.strictObject({ userId, password: passwordSchema }),
  handler: (input, { db, user }) => setUserPassword(db, user, input.userId, input.password),
});

/** An admin ends every session of a user (e.g. a lost laptop); they must sign in again. */
export const signOutUserEverywhereAction = defineAction({
  key: "users.signOut",
  input: z.strictObject({ userId }),
  handler: (input, { db, user }) => signOutUserEverywhere(db, user, input.userId),
});
