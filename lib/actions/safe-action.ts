import "server-only";
import { getDb, type Db } from "@/db/client";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireActionUser } from "@/lib/auth/session";
import { isAppError, type ErrorCode, type Issue } from "@/lib/errors";

/** What every server action answers: a typed result the form can show, never a stack trace. */
export type ActionResult<T = void> =
  | { ok: true; data: T }
  | { ok: false; code: ErrorCode | "internal"; message: string; fieldErrors?: Record<string, string>; issues?: Issue[] };

export function fieldErrorsOf(issues: Issue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) out[issue.path || "_form"] ??= issue.message;
  return out;
}

/**
 * Runs an action's body for the signed-in user (read from the database on this request) and turns
 * known errors into results. Anything unexpected is logged on the server and reported plainly.
 */
export async function runAction<T>(body: (ctx: { db: Db; user: ActingUser }) => Promise<T>): Promise<ActionResult<T>> {
  try {
    const user = await requireActionUser();
    const data = await body({ db: await getDb(), user });
    return { ok: true, data };
  } catch (error) {
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
}

/** redirect() and notFound() work by throwing; they must pass through untouched. */
function isNextControlFlow(error: unknown): boolean {
  const digest = (error as { digest?: unknown })?.digest;
  return typeof digest === "string" && (digest.startsWith("NEXT_REDIRECT") || digest.startsWith("NEXT_HTTP_ERROR_FALLBACK"));
}
