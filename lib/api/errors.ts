import { knownDatabaseError, RETRY_AFTER_SECONDS } from "@/db/errors";
import { AppError, isAppError, type ErrorCode, type Issue } from "@/lib/errors";

/** SPEC §5's error body. */
export type ApiErrorBody = { error: { code: ErrorCode | "internal"; message: string; issues: Issue[] } };

export function errorBody(code: ApiErrorBody["error"]["code"], message: string, issues: Issue[] = []): ApiErrorBody {
  return { error: { code, message, issues } };
}

/**
 * Any error as the API's JSON answer: a database that is not answering is a 503 `unavailable` with
 * Retry-After, a value PostgreSQL refused as data a 400; anything else unexpected is logged and
 * reported without details.
 */
export function errorResponse(error: unknown, headers: HeadersInit = {}): Response {
  error = knownDatabaseError(error) ?? error;
  if (isAppError(error)) {
    const extra = new Headers(headers);
    if (error.code === "unauthorized") extra.set("WWW-Authenticate", 'Bearer realm="api"');
    if (error instanceof RateLimited) extra.set("Retry-After", String(error.retryAfterSeconds));
    if (error.code === "unavailable") extra.set("Retry-After", String(RETRY_AFTER_SECONDS));
    return Response.json(errorBody(error.code, error.message, error.issues), { status: error.status, headers: extra });
  }
  console.error("API request failed:", error);
  return Response.json(errorBody("internal", "Something went wrong on our side. Try again later."), { status: 500, headers });
}

/** 429 with the seconds to wait, for the Retry-After header. */
export class RateLimited extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    message = `Too many requests. Try again in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? "" : "s"}.`,
  ) {
    super("rate_limited", message);
  }
}

/** Issues whose paths name the data layer's fields, renamed to the API's (`databaseId` → `database_id`). */
export function renamePaths(issues: readonly Issue[], names: Record<string, string>): Issue[] {
  return issues.map((issue) => {
    for (const [from, to] of Object.entries(names)) {
      if (issue.path === from || issue.path.startsWith(`${from}.`) || issue.path.startsWith(`${from}[`)) {
        return { ...issue, path: to + issue.path.slice(from.length) };
      }
    }
    return issue;
  });
}

/** Re-throws an AppError with renamed issue paths. */
export async function withApiPaths<T>(names: Record<string, string>, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isAppError(error) && error.issues.length) throw new AppError(error.code, error.message, renamePaths(error.issues, names));
    throw error;
  }
}
