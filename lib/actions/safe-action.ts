import "server-only";
import { getDb, type Db } from "@/db/client";
import { authorize, type PolicyKey } from "@/lib/access/policy";
import type { ActingUser } from "@/lib/access/acting-user";
import { currentUser } from "@/lib/auth/session";
import { failure } from "./define-action";
import type { ActionResult } from "./result";

/*
 * The old helper, kept only for lib/segment-actions/actions.ts until it is built with `defineAction`
 * (lib/actions/define-action.ts) on its own branch; then this file goes. Do not use it in new code.
 */

export type { ActionResult } from "./result";

export async function runAction<T>(key: PolicyKey, body: (ctx: { db: Db; user: ActingUser }) => Promise<T>): Promise<ActionResult<T>> {
  try {
    const user = authorize(await currentUser(), key);
    return { ok: true, data: await body({ db: await getDb(), user }) };
  } catch (error) {
    return failure(error);
  }
}
