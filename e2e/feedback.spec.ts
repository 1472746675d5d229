import { expect, test, type Page } from "@playwright/test";
import { addCityCondition } from "./builder-steps";
import { storageState } from "./personas";

/**
 * Issue 13: the builder says what it is doing — a skeleton while a client navigation loads it (and
 * the whole page without JavaScript), the slow live count's switch to Refresh count, and a queued
 * job's indeterminate bar.
 */
test.use({ storageState: storageState("marketer") });

/** The marker scripts/e2e-server.ts gives the count route (E2E_SLOW_COUNT_MARKER): a rule naming it counts in 8 s. */
const SLOW_COUNT_MARKER = "slow-count-e2e";

async function openSegment(page: Page, name: string) {
  await page.goto(`/segments/dynamic?q=${encodeURIComponent(name)}`);
  await page.getByRole("link", { name, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
}

test("a client navigation to analytics streams its skeleton first; a page load has none; the list and builder never stream one", async ({ page }) => {
  await page.goto("/segments/dynamic?q=Berlin+VIPs");
  const segment = await page.getByRole("link", { name: "Berlin VIPs", exact: true }).getAttribute("href");
  // What the router fetches on a client navigation (fetch() sends Sec-Fetch-Dest: empty): the skeleton, then the page.
  const path = `${segment}/analytics`;
  const flight = await page.evaluate(async (p) => (await fetch(p, { headers: { RSC: "1" } })).text(), path);
  expect(flight.indexOf("Loading the analytics…"), path).toBeGreaterThan(-1);
  expect(flight.indexOf("Analytics: Berlin VIPs"), path).toBeGreaterThan(flight.indexOf("Loading the analytics…"));
  // A page load: the whole page, no skeleton.
  const html = await (await page.goto(path))!.text();
  expect(html, path).toContain("Analytics: Berlin VIPs");
  expect(html, path).not.toContain("data-page-skeleton");
  // The list and the builder render the same tree for a page load, a navigation and a router.refresh()
  // (a Suspense boundary only on fetches made a refresh remount them and drop an unsaved rule or an open
  // dialog: e2e/actions.spec.ts), so they stream no skeleton at all.
  for (const p of ["/segments/dynamic", "/segments/dynamic/new", segment!]) {
    const rsc = await page.evaluate(async (u) => (await fetch(u, { headers: { RSC: "1" } })).text(), p);
    expect(rsc, p).not.toContain("data-page-skeleton");
  }
  // And a real client navigation lands on the page.
  await page.getByRole("link", { name: "Dynamic segments", exact: true }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Dynamic segments" })).toBeVisible();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the list, the builder and analytics arrive whole, with no skeleton", async ({ page }) => {
    await page.goto("/segments/dynamic?q=Berlin+VIPs");
    await expect(page.locator("[data-page-skeleton]")).toHaveCount(0);
    const href = await page.getByRole("link", { name: "Berlin VIPs", exact: true }).getAttribute("href");
    expect(href).toMatch(/^\/segments\/dynamic\/\d+$/);
    await page.goto(`${href}/analytics`);
    await expect(page.getByRole("heading", { level: 1, name: /Berlin VIPs/ })).toBeVisible();
    await expect(page.locator("[data-page-skeleton]")).toHaveCount(0);
    for (const path of ["/segments/dynamic/new", href!]) {
      await page.goto(path);
      await expect(page.getByLabel("Name", { exact: true })).toBeVisible();
      await expect(page.getByRole("button", { name: "Save", exact: true })).toBeVisible();
      await expect(page.locator("[data-page-skeleton]")).toHaveCount(0);
      await expect(page.locator('div[hidden][id^="S:"]')).toHaveCount(0);
    }
    await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Berlin VIPs");
  });
});

test("a live count slower than a few seconds switches to Refresh count with a notice", async ({ page }) => {
  await openSegment(page, "Berlin VIPs");
  const count = page.getByLabel("Profile count");
  await expect(count).toHaveText(/^[\d,]+$/);
  const before = await count.textContent();

  await addCityCondition(page, SLOW_COUNT_MARKER);
  const notice = page.getByRole("status").filter({ hasText: "takes more than a few seconds to count" });
  await expect(notice).toBeVisible({ timeout: 20_000 });
  await expect(notice).toHaveText("This rule takes more than a few seconds to count, so the count no longer refreshes by itself. Use Refresh count.");
  // The slow answer never arrived: the count is the old one, marked as out of date.
  await expect(count).toHaveText(before!);
  await expect(page.getByText("The conditions changed since this count. Refresh it.")).toBeVisible();

  // Live counting stays off: another change is not counted by itself…
  await page.getByLabel("Range to").fill("50");
  await page.waitForTimeout(2_000);
  await expect(count).toHaveText(before!);
  // …until the marketer asks (Refresh count calculates now; nobody in the demo data lives in that city).
  await page.getByRole("button", { name: "Refresh count" }).click();
  await expect(count).toHaveText("0");
  await expect(page.getByText(/^Calculated /)).toBeVisible();
});

test("a queued job shows an indeterminate bar with “Waiting to start…”, never a full bar", async ({ page }) => {
  await openSegment(page, "Berlin VIPs");
  await page.getByRole("button", { name: "Export profiles" }).click();
  const dialog = page.getByRole("dialog", { name: "Export profiles" });
  await expect(dialog).toBeVisible();
  // The job is answered as queued and polled a moment later: record every state the bar shows.
  await page.evaluate(() => {
    const w = window as unknown as { __bars?: { text: string; valueNow: string | null; state: string | null; share: number }[] };
    w.__bars = [];
    new MutationObserver(() => {
      for (const bar of document.querySelectorAll('[role="dialog"] [role="progressbar"]')) {
        const indicator = bar.firstElementChild as HTMLElement;
        w.__bars!.push({
          text: bar.parentElement?.textContent ?? "",
          valueNow: bar.getAttribute("aria-valuenow"),
          state: bar.getAttribute("data-state"),
          share: indicator.getBoundingClientRect().width / bar.getBoundingClientRect().width,
        });
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  await dialog.getByRole("button", { name: "Export", exact: true }).click();
  await expect(dialog.getByRole("status").filter({ hasText: /^Exported/ })).toBeVisible();

  const bars = await page.evaluate(() => (window as unknown as { __bars: { text: string; valueNow: string | null; state: string | null; share: number }[] }).__bars);
  const queued = bars.filter((b) => b.text.includes("Waiting to start…"));
  expect(queued.length).toBeGreaterThan(0);
  for (const bar of queued) {
    expect(bar.state).toBe("indeterminate");
    expect(bar.valueNow).toBeNull();
    expect(bar.share).toBeLessThan(0.5);
  }
  // Finished, the bar is full.
  expect(bars.at(-1)).toMatchObject({ valueNow: "100" });
});
