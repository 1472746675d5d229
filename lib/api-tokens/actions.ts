"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction, defineFormAction } from "@/lib/actions/define-action";
import { idSchema } from "@/lib/validation/input";
import { createApiToken, createTokenSchema, revokeApiToken } from "./queries";

const PAGE = "/settings/api-tokens";

/** The new token travels to the browser once, in this answer; it is never stored or shown again. */
export const createApiTokenAction = defineFormAction({
  key: "apiTokens.create",
  read: (form) => ({ name: String(form.get("name") ?? "") }),
  input: createTokenSchema,
  handler: async (input, { db, user }) => {
    const { token, name } = await createApiToken(db, user, input);
    revalidatePath(PAGE);
    return { token, name };
  },
  message: () => "Copy the token now: it will not be shown again.",
});

export const revokeApiTokenAction = defineAction({
  key: "apiTokens.revoke",
  input: z.strictObject({ tokenId: idSchema("Not a token id.") }),
  handler: async (input, { db, user }) => {
    await revokeApiToken(db, user, input.tokenId);
    revalidatePath(PAGE);
  },
});
