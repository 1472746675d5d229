import "server-only";
import { isAppError } from "@/lib/errors";

export type FigureResult<T> = { ok: true; data: T } | { ok: false; message: string };

/**
 * Runs one figure's data access. An AppError (too slow, the rule no longer valid, the segment gone
 * meanwhile) becomes a message shown in that figure alone; anything else is a fault for the error page.
 */
export async function loadFigure<T>(work: () => Promise<T>): Promise<FigureResult<T>> {
  try {
    return { ok: true, data: await work() };
  } catch (error) {
    if (!isAppError(error)) throw error;
    if (error.code === "timeout")
      return {
        ok: false,
        message: /cancelled/.test(error.message)
          ? "This figure was cancelled on the database server before it finished. The other figures are not affected; reload to try again."
          : "This figure took too long to compute and was stopped. The other figures are not affected.",
      };
    if (error.code === "validation_failed")
      return { ok: false, message: `The segment's conditions are no longer valid (${error.issues[0]?.message ?? error.message}). Open the segment and fix them.` };
    return { ok: false, message: error.message };
  }
}

/** One figure's part of the page's report (lib/analytics/report.ts), or the report's error message. */
export function figureOf<R, T>(result: FigureResult<R>, pick: (report: R) => T): FigureResult<T> {
  return result.ok ? { ok: true, data: pick(result.data) } : result;
}
