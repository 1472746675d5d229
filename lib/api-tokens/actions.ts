"use server";

import { revalidatePath } from "next/cache";
import { runAction, type ActionResult, type FormState } from "@/lib/actions/safe-action";
import { createApiToken, revokeApiToken } from "./queries";

const PAGE = "/settings/api-tokens";

/** The new token travels to the browser once, in this answer; it is never stored or shown again. */
export type CreateTokenState = (NonNullable<FormState> & { token?: string; name?: string }) | null;

export async function createApiTokenAction(_prev: CreateTokenState, form: FormData): Promise<CreateTokenState> {
  const result = await runAction("apiTokens.create", ({ db, user }) => createApiToken(db, user, { name: String(form.get("name") ?? "") }));
  if (!result.ok) return { ok: false, code: result.code, message: result.message, fieldErrors: result.fieldErrors };
  revalidatePath(PAGE);
  return { ok: true, message: "Copy the token now: it will not be shown again.", token: result.data.token, name: result.data.name };
}

export async function revokeApiTokenAction(tokenId: number): Promise<ActionResult> {
  const result = await runAction("apiTokens.revoke", ({ db, user }) => revokeApiToken(db, user, Number(tokenId)));
  if (result.ok) revalidatePath(PAGE);
  return result;
}
