import "server-only";
import { cookies } from "next/headers";

/** The cookie e2e/feedback.spec.ts sets: how many milliseconds the list, the builder and analytics take to render. */
export const E2E_SLOW_PAGE_COOKIE = "e2e-slow-page";

/**
 * Test servers only (scripts/e2e-server.ts sets `E2E_SLOW_PAGES=1`; never set in production): a
 * request carrying the `e2e-slow-page=<ms>` cookie (at most 10 s) renders the page that much later,
 * so the skeleton of a pending navigation is tested against a really slow page.
 */
export async function e2eSlowPage(): Promise<void> {
  if (process.env.E2E_SLOW_PAGES !== "1") return;
  const ms = Math.min(Number((await cookies()).get(E2E_SLOW_PAGE_COOKIE)?.value) || 0, 10_000);
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
}
