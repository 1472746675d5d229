/** A problem with one input, located by a path such as `groups[0].conditions[1].value`. */
export type Issue = { path: string; message: string };

export type ErrorCode =
  | "validation_failed"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "timeout"
  | "payload_too_large"
  | "rate_limited"
  | "unavailable";

const httpStatus: Record<ErrorCode, number> = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  timeout: 408,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
};

/**
 * An error whose message is safe to show to the user (no SQL, no stack). Anything else that is thrown
 * is an internal fault and is reported as such without details.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues: Issue[] = [],
  ) {
    super(message);
    this.name = "AppError";
  }

  get status(): number {
    return httpStatus[this.code];
  }
}

export const notFound = (what = "This item") => new AppError("not_found", `${what} was not found.`);
export const forbidden = (message = "Your role does not allow this.") => new AppError("forbidden", message);
export const invalid = (issues: Issue[], message = "Some values are not valid.") =>
  new AppError("validation_failed", message, issues);

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** A duration in words a user reads at a glance: "250 ms", "3 s", "90 s", "20 min", "1 h 5 min". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  return minutes % 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes / 60} h`;
}
