import { z } from "zod";
import { storableText } from "@/lib/validation/input";

/** What an admin enters for a user: shared by the forms (browser) and the data layer. */

export const USER_ROLES = ["admin", "lead", "marketer"] as const;
export type Role = (typeof USER_ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = { admin: "Admin", lead: "Team lead", marketer: "Marketer" };

export const MIN_PASSWORD_LENGTH = 8;

export const roleSchema = z.enum(USER_ROLES, { error: "Choose admin, team lead or marketer." });

export const passwordSchema = storableText({ error: "Enter a password." })
  .min(MIN_PASSWORD_LENGTH, { error: `Use at least ${MIN_PASSWORD_LENGTH} characters.` })
  .max(200, { error: "Use at most 200 characters." });

export const createUserSchema = z.strictObject({
  name: storableText({ error: "Enter a name." }).trim().min(1, { error: "Enter a name." }).max(200, { error: "Use at most 200 characters." }),
  email: storableText({ error: "Enter an email address." }).trim().toLowerCase().max(320).pipe(z.email({ error: "Enter a valid email address." })),
  role: roleSchema,
  password: passwordSchema,
});
export type CreateUserInput = z.input<typeof createUserSchema>;
export type NewUser = z.output<typeof createUserSchema>;

/** A user changing their own password: the current one proves it is them, not someone at their desk. */
export const changeOwnPasswordSchema = z.strictObject({
  currentPassword: z.string({ error: "Enter your current password." }).min(1, { error: "Enter your current password." }).max(200),
  newPassword: passwordSchema,
});
export type OwnPasswordChange = z.output<typeof changeOwnPasswordSchema>;
