import { z } from "zod";
import { isAppError, invalid } from "@/lib/errors";
import { sessionRoute } from "@/lib/jobs/session-route";
import { isCountAborted, LIVE_COUNT_TIMEOUT_MS, liveCount } from "@/lib/segments/live-count";
import { issuesFromZod } from "@/lib/segments/script";

const body = z.strictObject({ rule: z.unknown(), segmentId: z.int().positive().max(2_147_483_647).optional() });

/**
 * Test servers only (scripts/e2e-server.ts sets it; never set in production): a rule that mentions
 * `E2E_SLOW_COUNT_MARKER` waits `E2E_SLOW_COUNT_MS` (8 s) before it is counted, so the builder's
 * slow-count path is tested against a real slow answer. Leaving (abort) ends the wait.
 */
async function e2eSlowCount(rule: unknown, signal: AbortSignal): Promise<void> {
  const marker = process.env.E2E_SLOW_COUNT_MARKER;
  if (!marker || !JSON.stringify(rule ?? null).includes(marker)) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, Number(process.env.E2E_SLOW_COUNT_MS) || 8_000);
    signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });
}

/**
 * The builder's live count for the signed-in user. When the browser aborts the request (a newer
 * rule, or the page closed), `request.signal` aborts and the PostgreSQL statement is cancelled.
 * Answers `{ count }`, or SPEC §5's error shape (400 with issues, 404, 408 when too slow).
 */
export const POST = sessionRoute("segments.calculate", async ({ request, db, user }) => {
  let parsed: z.output<typeof body>;
  try {
    const result = body.safeParse(await request.json());
    if (!result.success) throw invalid(issuesFromZod(result.error));
    parsed = result.data;
  } catch (error) {
    if (error instanceof SyntaxError) throw invalid([{ path: "", message: "The body is not JSON." }]);
    throw error;
  }
  try {
    await e2eSlowCount(parsed.rule, request.signal);
    const count = await liveCount(db, user, parsed.rule, request.signal, { timeoutMs: LIVE_COUNT_TIMEOUT_MS, segmentId: parsed.segmentId });
    return Response.json({ count }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    if (isCountAborted(error)) return new Response(null, { status: 499 });
    // The builder shows input problems next to their fields: send them with their paths.
    if (isAppError(error)) return Response.json({ error: { code: error.code, message: error.message, issues: error.issues } }, { status: error.status });
    throw error;
  }
});
