import { z } from "zod";
import { idSchema, storableText } from "@/lib/validation/input";

export const groupNameSchema = storableText({ error: "Enter a name." })
  .trim()
  .min(1, { error: "Enter a name." })
  .max(100, { error: "Use at most 100 characters." });

export const createGroupSchema = z.strictObject({
  name: groupNameSchema,
  leadIds: z.array(idSchema()).max(100).default([]),
});
export type CreateGroupInput = z.input<typeof createGroupSchema>;
export type NewGroup = z.output<typeof createGroupSchema>;

export const memberEmailSchema = storableText({ error: "Enter the member's email address." })
  .trim()
  .toLowerCase()
  .min(1, { error: "Enter the member's email address." })
  .max(320)
  .pipe(z.email({ error: "Enter a valid email address." }));
