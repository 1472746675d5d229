import "server-only";
import { getDb, type Db } from "@/db/client";
import { authorize, type PolicyKey } from "@/lib/access/policy";
import type { ActingUser } from "@/lib/access/acting-user";
import { currentUser } from "@/lib/auth/session";
import type { ErrorCode } from "@/lib/errors";
import { failure } from "./define-action";
import type { ActionResult } from "./result";

/*
 * The old action helpers, kept only until every "use server" module is built with `defineAction`
 * (lib/actions/define-action.ts). Do not use them in new code.
 */

export type { ActionResult } from "./result";
export { fieldErrorsOf } from "./result";
export { failure } from "./define-action";

export type ActionBody<T> = (ctx: { db: Db; user: ActingUser }) => Promise<T>;

/** What a form's action answers through useActionState: a message, and errors by field name. */
export type FormState = { ok: boolean; message: string; code?: ErrorCode | "internal"; fieldErrors?: Record<string, string> } | null;

export function toFormState<T>(result: ActionResult<T>, success: string | ((data: T) => string)): FormState {
  if (result.ok) return { ok: true, message: typeof success === "string" ? success : success(result.data) };
  return { ok: false, code: result.code, message: result.message, fieldErrors: result.fieldErrors };
}

export async function authorizeAction(key: PolicyKey): Promise<ActingUser> {
  return authorize(await currentUser(), key);
}

export function publicAction(key: PolicyKey): void {
  void key;
}

export async function runAction<T>(key: PolicyKey, body: ActionBody<T>): Promise<ActionResult<T>> {
  try {
    const user = await authorizeAction(key);
    const data = await body({ db: await getDb(), user });
    return { ok: true, data };
  } catch (error) {
    return failure(error);
  }
}
