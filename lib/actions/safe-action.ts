import "server-only";
import { getDb, type Db } from "@/db/client";
import { authorize, type PolicyKey } from "@/lib/access/policy";
import type { ActingUser } from "@/lib/auth/acting-user";
import { currentUser } from "@/lib/auth/session";
import { knownDatabaseError } from "@/lib/database-errors";
import { isAppError, type ErrorCode, type Issue } from "@/lib/errors";

/** What every server action answers: a typed result the form can show, never a stack trace. */
export type ActionResult<T = void> =
  | { ok: true; data: T }
  | { ok: false; code: ErrorCode | "internal"; message: string; fieldErrors?: Record<string, string>; issues?: Issue[] };

export type ActionBody<T> = (ctx: { db: Db; user: ActingUser }) => Promise<T>;

/** What a form's action answers through useActionState: a message, and errors by field name. */
export type FormState = { ok: boolean; message: string; code?: ErrorCode | "internal"; fieldErrors?: Record<string, string> } | null;

export function toFormState<T>(result: ActionResult<T>, success: string | ((data: T) => string)): FormState {
  if (result.ok) return { ok: true, message: typeof success === "string" ? success : success(result.data) };
  return { ok: false, code: result.code, message: result.message, fieldErrors: result.fieldErrors };
}

export function fieldErrorsOf(issues: Issue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) out[issue.path || "_form"] ??= issue.message;
  return out;
}

/**
 * The signed-in user (read from the database on this request), if the permission table lets their
 * role run `key`; otherwise an `unauthorized` (signed out, deactivated) or `forbidden` AppError.
 * For actions that answer their own state shape instead of an ActionResult.
 */
export async function authorizeAction(key: PolicyKey): Promise<ActingUser> {
  return authorize(await currentUser(), key);
}

/** Marks an action that needs no session (sign-in itself), so that it too has its entry in the table. */
export function publicAction(key: PolicyKey): void {
  void key;
}

/**
 * Runs an action's body for the signed-in user whose role the permission table (`lib/access/policy.ts`)
 * allows for `key`, and turns known errors into results. The object checks (visibility → 404) happen in
 * the data layer the body calls. Anything unexpected is logged on the server and reported plainly.
 */
export async function runAction<T>(key: PolicyKey, body: ActionBody<T>): Promise<ActionResult<T>> {
  try {
    const user = await authorizeAction(key);
    const data = await body({ db: await getDb(), user });
    return { ok: true, data };
  } catch (error) {
    return failure(error);
  }
}

/** An error as an action result: known errors keep their code and message, anything else is "internal". */
export function failure(error: unknown): { ok: false; code: ErrorCode | "internal"; message: string; fieldErrors?: Record<string, string>; issues?: Issue[] } {
  error = knownDatabaseError(error) ?? error;
  if (isAppError(error)) {
    return {
      ok: false,
      code: error.code,
      message: error.message,
      fieldErrors: error.issues.length ? fieldErrorsOf(error.issues) : undefined,
      issues: error.issues.length ? error.issues : undefined,
    };
  }
  if (isNextControlFlow(error)) throw error;
  console.error(error);
  return { ok: false, code: "internal", message: "Something went wrong on our side. Try again; if it keeps failing, tell your admin." };
}

/** redirect() and notFound() work by throwing; they must pass through untouched. */
function isNextControlFlow(error: unknown): boolean {
  const digest = (error as { digest?: unknown })?.digest;
  return typeof digest === "string" && (digest.startsWith("NEXT_REDIRECT") || digest.startsWith("NEXT_HTTP_ERROR_FALLBACK"));
}
