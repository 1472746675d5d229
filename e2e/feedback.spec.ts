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

/** Records every page skeleton that appears (its label), so a test can tell which ones showed and which never did. */
async function recordSkeletons(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __skeletons: string[] };
    w.__skeletons = [];
    new MutationObserver(() => {
      for (const s of document.querySelectorAll("[data-page-skeleton]")) {
        const label = s.textContent ?? "";
        if (w.__skeletons.at(-1) !== label) w.__skeletons.push(label);
      }
    }).observe(document.body, { subtree: true, childList: true });
  });
}
const recordedSkeletons = (page: Page) => page.evaluate(() => (window as unknown as { __skeletons: string[] }).__skeletons);

/** The E2E-only knob of lib/e2e/slow-page.ts: the list, the builder and analytics render this much later. */
async function slowPages(page: Page, ms: number) {
  await page.context().addCookies([{ name: "e2e-slow-page", value: String(ms), url: page.url() }]);
}

test("while a client navigation to the list, the builder or analytics is pending, the content area shows its skeleton", async ({ page }) => {
  test.slow(); // every page it opens takes seconds on purpose
  await page.goto("/segments/static");
  await slowPages(page, 2_500);
  const skeleton = page.locator("[data-page-skeleton]");
  const heading = (name: string) => page.getByRole("heading", { level: 1, name, exact: true });

  // The list, from the sidebar: its skeleton over the content area (the old page hidden), then the list.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dynamic segments" }).click();
  await expect(skeleton).toBeVisible();
  await expect(skeleton).toContainText("Loading the segments…");
  await expect(heading("Static segments")).toBeHidden();
  await expect(heading("Dynamic segments")).toBeVisible();
  await expect(skeleton).toHaveCount(0);

  // A new segment, from Create.
  await page.getByRole("link", { name: "Create" }).click();
  await expect(skeleton).toContainText("Loading the segment…");
  await expect(heading("Dynamic segments")).toBeHidden();
  await expect(heading("New dynamic segment")).toBeVisible();
  await expect(skeleton).toHaveCount(0);

  // A saved segment, from its row in the list; then its analytics, and back.
  await page.goto("/segments/dynamic?q=Berlin+VIPs");
  await recordSkeletons(page);
  await page.getByRole("link", { name: "Berlin VIPs", exact: true }).click();
  await expect(skeleton).toContainText("Loading the segment…");
  await expect(heading("Berlin VIPs")).toBeVisible();
  await expect(skeleton).toHaveCount(0);
  await page.getByRole("link", { name: "Analytics" }).click();
  await expect(skeleton).toContainText("Loading the analytics…");
  // Analytics took 15–19 s to arrive here with the machine's load at 25 (its figures stream after it).
  await expect(heading("Analytics: Berlin VIPs")).toBeVisible({ timeout: 60_000 });
  await expect(skeleton).toHaveCount(0);
  await page.getByRole("link", { name: "Open segment" }).click();
  await expect(skeleton).toContainText("Loading the segment…");
  await expect(heading("Berlin VIPs")).toBeVisible();
  expect(await recordedSkeletons(page)).toEqual(["Loading the segment…", "Loading the analytics…", "Loading the segment…"]);
});

test("after a client navigation to the builder, a finished job's router.refresh() keeps the unsaved rule and the open dialog, and shows no skeleton", async ({ page }) => {
  test.slow(); // every page it opens takes seconds on purpose
  await page.goto("/segments/dynamic");
  await slowPages(page, 1_500);
  await page.getByRole("link", { name: "Create" }).click();
  await expect(page.locator("[data-page-skeleton]")).toContainText("Loading the segment…");
  await expect(page.getByRole("heading", { level: 1, name: "New dynamic segment" })).toBeVisible();
  await recordSkeletons(page);

  await page.getByRole("button", { name: "Select source" }).click();
  await page.getByRole("dialog", { name: "Select source" }).getByRole("button", { name: /Retail customers/ }).click();
  await addCityCondition(page, "Hamburg");
  await page.getByRole("region", { name: "Quick actions" }).getByRole("button", { name: "Export profiles" }).click();
  const dialog = page.getByRole("dialog", { name: "Export profiles" });
  await dialog.getByRole("button", { name: "Clear fields" }).click();
  await dialog.getByRole("checkbox", { name: "id", exact: true }).check();
  // The finished job refreshes the page (a slow one here): the router's fetch of this very page.
  const refreshed = page.waitForResponse((r) => new URL(r.url()).pathname === "/segments/dynamic/new" && r.request().headers()["rsc"] === "1", { timeout: 45_000 });
  await dialog.getByRole("button", { name: "Export", exact: true }).click();
  await expect(dialog.getByRole("status").filter({ hasText: /^Exported/ })).toBeVisible({ timeout: 30_000 });
  await refreshed;
  await page.waitForTimeout(2_500); // the refreshed page renders 1.5 s late, then React applies it
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("link", { name: "Download" })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(page.getByText("City is “Hamburg”").first()).toBeVisible();
  expect(await recordedSkeletons(page)).toEqual([]);
});

test("a navigation inside the list (sorting) or one the unsaved-changes prompt stops shows no skeleton", async ({ page }) => {
  test.slow(); // every page it opens takes seconds on purpose
  await page.goto("/segments/dynamic");
  await slowPages(page, 1_500);
  await recordSkeletons(page);
  await page.getByRole("link", { name: /^Name/ }).click();
  await expect(page).toHaveURL(/sort=name/);
  await expect(page.getByRole("heading", { level: 1, name: "Dynamic segments" })).toBeVisible();

  await openSegment(page, "Berlin VIPs");
  await recordSkeletons(page);
  await page.getByLabel("Name", { exact: true }).fill("Berlin VIPs renamed");
  page.once("dialog", (dialog) => void dialog.dismiss());
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dynamic segments" }).click();
  await page.waitForTimeout(2_000);
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Berlin VIPs renamed");
  expect(await recordedSkeletons(page)).toEqual([]);
});

test("at 390 px, the menu sheet's link to the list shows the list's skeleton while it loads", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/segments/static");
  await slowPages(page, 2_500);
  await page.getByRole("button", { name: "Open menu" }).click();
  await page.getByRole("dialog").getByRole("link", { name: "Dynamic segments", exact: true }).click();
  const skeleton = page.locator("[data-page-skeleton]");
  await expect(skeleton).toContainText("Loading the segments…");
  await expect(skeleton).toBeInViewport();
  await expect(page.getByRole("heading", { level: 1, name: "Dynamic segments" })).toBeVisible();
  await expect(skeleton).toHaveCount(0);
  // Nothing wider than the phone while it loaded or after.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

test("a page load of the list, the builder and analytics has no skeleton; the server streams analytics' skeleton on navigation, never the list's or the builder's", async ({ page }) => {
  await page.goto("/segments/dynamic?q=Berlin+VIPs");
  const segment = await page.getByRole("link", { name: "Berlin VIPs", exact: true }).getAttribute("href");
  // What the router fetches on a client navigation (fetch() sends Sec-Fetch-Dest: empty): the skeleton, then the page.
  const path = `${segment}/analytics`;
  const flight = await page.evaluate(async (p) => (await fetch(p, { headers: { RSC: "1" } })).text(), path);
  expect(flight.indexOf("Loading the analytics…"), path).toBeGreaterThan(-1);
  expect(flight.indexOf("Analytics: Berlin VIPs"), path).toBeGreaterThan(flight.indexOf("Loading the analytics…"));
  // A page load: the whole page, no skeleton.
  for (const p of ["/segments/dynamic", "/segments/dynamic/new", segment!, path]) {
    const html = await (await page.goto(p))!.text();
    expect(html, p).not.toContain("data-page-skeleton");
  }
  // The list and the builder answer a navigation and a router.refresh() with the same tree (a server
  // boundary only on fetches made a refresh remount them and drop an unsaved rule or an open dialog:
  // e2e/actions.spec.ts): their skeleton comes from the client while the navigation is pending (above).
  for (const p of ["/segments/dynamic", "/segments/dynamic/new", segment!]) {
    const rsc = await page.evaluate(async (u) => (await fetch(u, { headers: { RSC: "1" } })).text(), p);
    expect(rsc, p).not.toContain("data-page-skeleton");
  }
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

test("a live count of an older rule never replaces the count of the current one", async ({ page }) => {
  await openSegment(page, "Berlin VIPs");
  const count = page.getByLabel("Profile count");
  await expect(count).toHaveText(/^[\d,]+$/);
  // Live counts answer 3 s late; Calculate (a server action) is not held back.
  let held = 0;
  await page.route("**/api/segments/count", async (route) => {
    held++;
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await route.continue().catch(() => undefined); // the page may have given up on it
  });
  const rangeTo = page.getByLabel("Range to");
  // Rule A: its live count starts after the debounce and is held…
  await rangeTo.fill("50");
  await expect.poll(() => held).toBe(1);
  // …then rule B, calculated at once, before A's answer comes.
  await rangeTo.fill("60");
  await page.getByRole("button", { name: "Refresh count" }).click();
  await expect(page.getByText(/^Calculated /)).toBeVisible();
  const current = await count.textContent();
  // Everything the block says from now on: A's answer (had it been kept) arrives within 3 s.
  await page.evaluate(() => {
    const w = window as unknown as { __said: string[] };
    const block = document.getElementById("calculation-heading")!.parentElement!;
    w.__said = [];
    new MutationObserver(() => w.__said.push(block.textContent ?? "")).observe(block, { subtree: true, childList: true, characterData: true });
  });
  await page.waitForTimeout(4_000);
  const said = await page.evaluate(() => (window as unknown as { __said: string[] }).__said);
  expect(said.filter((text) => text.includes("The conditions changed since this count"))).toEqual([]);
  await expect(count).toHaveText(current!);
  await expect(page.getByText(/^Calculated /)).toBeVisible();
  expect(held).toBe(1); // and B, already calculated, was not counted again
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
