import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { storageState } from "./personas";
import { screenshot } from "./screenshots";

/** Issue 13: every SPEC §4 page fits a phone, the shell has a menu, 403/404 pages, a favicon, and no serious axe violations. */
test.use({ storageState: storageState("admin") });

const staticPages = [
  "/segments/dynamic",
  "/segments/dynamic/new",
  "/segments/static",
  "/databases",
  "/scenarios",
  "/mailings",
  "/bin",
  "/settings/access-groups",
  "/settings/users",
  "/settings/api-tokens",
  "/settings/sessions",
  "/jobs",
];

async function segmentPath(page: Page, name: string) {
  await page.goto(`/segments/dynamic?q=${encodeURIComponent(name)}`);
  const href = await page.getByRole("link", { name, exact: true }).getAttribute("href");
  expect(href).toMatch(/^\/segments\/dynamic\/\d+$/);
  return href!;
}

/** The href of the first link named `name` on the page at `listPath`, e.g. a row of a list. */
async function linkPath(page: Page, listPath: string, name: string | RegExp, pattern: RegExp) {
  await page.goto(listPath);
  const href = await page.getByRole("link", { name, exact: typeof name === "string" }).first().getAttribute("href");
  expect(href).toMatch(pattern);
  return href!;
}

/** SPEC §4's pages, the pages of one object of each kind, and where a profile row's "Why in or out?" leads. */
async function allPages(page: Page) {
  const segment = await segmentPath(page, "Berlin VIPs");
  const database = await linkPath(page, "/databases", "Retail customers", /^\/databases\/\d+$/);
  return [
    ...staticPages,
    segment,
    `${segment}/analytics`,
    await linkPath(page, "/segments/static", "Store opening invitees (Berlin)", /^\/segments\/static\/\d+$/),
    await linkPath(page, "/scenarios", "Win-back lapsed buyers", /^\/scenarios\/\d+$/),
    database,
    await linkPath(page, database, /^Why is profile \d+ in or out\?$/, /^\/databases\/\d+\/explain\?profile=\d+$/),
  ];
}

async function expectNoSeriousViolations(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    serious.map((v) => `${what}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`),
  ).toEqual([]);
}

const pageWidth = (page: Page) => page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth));

test.describe("at 390 px", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("every page of SPEC §4 is no wider than the viewport", async ({ page }) => {
    test.setTimeout(10 * 60_000); // seventeen pages
    for (const path of await allPages(page)) {
      await page.goto(path);
      await expect(page.locator("main h1").first()).toBeVisible();
      expect(await pageWidth(page), path).toBeLessThanOrEqual(390);
    }
  });

  test("the sign-in page fits too", async ({ browser }) => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    await page.goto("/login");
    expect(await pageWidth(page)).toBeLessThanOrEqual(360);
    await expectNoSeriousViolations(page, "/login");
    await context.close();
  });

  test("navigation opens from a menu button in a sheet", async ({ page }) => {
    await page.goto("/segments/dynamic");
    await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
    await page.getByRole("button", { name: "Open menu" }).click();
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav).toBeVisible();
    await expectNoSeriousViolations(page, "menu sheet");
    await nav.getByRole("link", { name: "Static segments" }).click();
    await expect(page).toHaveURL(/\/segments\/static$/);
    await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
  });

  test("the condition dialog with property filters does not overflow", async ({ page }) => {
    await page.goto("/segments/dynamic/new");
    await page.getByRole("button", { name: "Select source" }).click();
    await page.getByRole("dialog", { name: "Select source" }).getByRole("button", { name: /Retail customers/ }).click();
    await page.getByRole("button", { name: "Condition", exact: true }).click();
    await page.getByRole("menuitem", { name: "Add condition group" }).click();
    const dialog = page.getByRole("dialog", { name: "Add condition" });
    await dialog.getByRole("tab", { name: "Behaviour" }).click();
    await dialog.getByRole("button", { name: "Add property filter" }).click();
    await dialog.getByRole("button", { name: "Add property filter" }).click();
    const box = (await dialog.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    const overflow = await dialog.evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });

  test("screenshots of the list, the builder and analytics on a phone", async ({ page }) => {
    await page.goto("/segments/dynamic");
    await screenshot(page, "phone-segment-list");
    const segment = await segmentPath(page, "Berlin VIPs");
    await page.goto(segment);
    await expect(page.getByLabel("Profile count")).toBeVisible();
    await screenshot(page, "phone-segment-builder");
    await page.goto(`${segment}/analytics`);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await page.waitForLoadState("networkidle");
    await screenshot(page, "phone-segment-analytics");
  });
});

test.describe("at 1440 px", () => {
  test.use({ viewport: { width: 1440, height: 900 } });

  test("the sidebar's background reaches the bottom of a long page", async ({ page }) => {
    await page.goto(await segmentPath(page, "Berlin VIPs"));
    const [aside, documentHeight] = await page.evaluate(() => [
      document.querySelector("aside")!.getBoundingClientRect().height,
      document.documentElement.scrollHeight,
    ]);
    expect(documentHeight).toBeGreaterThan(900);
    expect(aside).toBeGreaterThanOrEqual(documentHeight - 1);
  });

  test("a favicon is served from public/", async ({ page, request }) => {
    await page.goto("/segments/dynamic");
    await expect(page.locator('link[rel="icon"]')).toHaveAttribute("href", /favicon\.svg/);
    const icon = await request.get("/favicon.svg");
    expect(icon.status()).toBe(200);
    expect(icon.headers()["content-type"]).toContain("image/svg+xml");
  });
});

for (const viewport of [
  { width: 1440, height: 900 },
  { width: 390, height: 844 },
]) {
  test.describe(`accessibility at ${viewport.width} px`, () => {
    test.use({ viewport });

    test("no serious or critical axe violations on every page", async ({ page }) => {
      test.setTimeout(10 * 60_000); // seventeen pages, each analysed
      for (const path of await allPages(page)) {
        await page.goto(path);
        await expect(page.locator("main h1").first()).toBeVisible();
        await expectNoSeriousViolations(page, path);
      }
    });

    test("no serious or critical axe violations with the source panel, condition dialog, Show table and action dialogs open", async ({ page }) => {
      test.slow(); // nine analyses
      await page.goto("/segments/dynamic/new");
      await page.getByRole("button", { name: "Select source" }).click();
      await expect(page.getByRole("dialog", { name: "Select source" })).toBeVisible();
      await expectNoSeriousViolations(page, "source panel");
      await page.getByRole("dialog", { name: "Select source" }).getByRole("button", { name: /Retail customers/ }).click();
      await page.getByRole("button", { name: "Condition", exact: true }).click();
      await page.getByRole("menuitem", { name: "Add condition group" }).click();
      const dialog = page.getByRole("dialog", { name: "Add condition" });
      // An invalid condition (a between whose first value is the greater) keeps the dialog open with its error.
      await dialog.getByLabel("Field", { exact: true }).selectOption({ label: "Loyalty points (number)" });
      await dialog.getByLabel("Operator").selectOption({ label: "is between" });
      await dialog.getByLabel("From", { exact: true }).fill("500");
      await dialog.getByLabel("To", { exact: true }).fill("100");
      await dialog.getByRole("button", { name: "Save condition" }).click();
      await expect(dialog.locator("#cond-value-error")).toHaveText("The first value must not be greater than the second.");
      await expectNoSeriousViolations(page, "condition dialog with an error");
      await dialog.getByLabel("From", { exact: true }).fill("100");
      await dialog.getByLabel("To", { exact: true }).fill("500");
      await dialog.getByRole("button", { name: "Save condition" }).click();
      await expect(dialog).toBeHidden();

      await page.getByRole("button", { name: "Show", exact: true }).click();
      await expect(page.getByRole("dialog", { name: /First \d+ profiles/ })).toBeVisible();
      await expectNoSeriousViolations(page, "Show table");
      await page.keyboard.press("Escape");

      for (const action of ["Copy profiles to profile database", "Copy profiles to static segment", "Export profiles", "Bulk edit profiles", "Add profiles to scenario"]) {
        await page.getByRole("button", { name: action }).click();
        await expect(page.getByRole("dialog", { name: action })).toBeVisible();
        await expectNoSeriousViolations(page, action);
        await page.keyboard.press("Escape");
        await expect(page.getByRole("dialog", { name: action })).toBeHidden();
      }
    });
  });
}

test.describe("answers", () => {
  test.use({ storageState: storageState("marketer") });

  test("a page the role may not open answers 403 with a page that says so", async ({ page }) => {
    const response = await page.goto("/settings/users");
    expect(response?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "Not available for your role" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Open menu" }).or(page.getByRole("navigation", { name: "Main" }))).toBeVisible();
  });

  test("an absent segment answers 404 with a page that says so", async ({ page }) => {
    const response = await page.goto("/segments/dynamic/2147483000");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    const nowhere = await page.goto("/no/such/page");
    expect(nowhere?.status()).toBe(404);
  });
});
