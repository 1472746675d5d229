import { expect, test, type Page } from "@playwright/test";
import { storageState } from "./personas";
import { screenshot } from "./screenshots";

test.use({ storageState: storageState("marketer") });

const FIGURES = ["Size over time", "Engagement", "Top mailings by clicks", "Reachability", "Composition", "Range map"] as const;

/** A figure is its titled region; its chart is the recharts surface named after what it shows. */
const figure = (page: Page, title: string) => page.getByRole("region", { name: title, exact: true });

async function openAnalytics(page: Page, segment: string) {
  await page.goto(`/segments/dynamic?q=${encodeURIComponent(segment)}`);
  await page.getByRole("link", { name: segment, exact: true }).click();
  await expect(page.getByRole("heading", { name: segment, exact: true })).toBeVisible();
  await page.getByRole("link", { name: "Analytics", exact: true }).click();
  await expect(page).toHaveURL(/\/segments\/dynamic\/\d+\/analytics$/);
  await expect(page.getByRole("heading", { name: `Analytics: ${segment}` })).toBeVisible();
}

test("the analytics of a demo segment show every figure with its title and chart; period and field are links and a form", async ({ page }) => {
  await openAnalytics(page, "Newsletter test group");
  await expect(page.getByText("Retail customers · range 0–20 % · limit 1,000")).toBeVisible();

  for (const title of FIGURES) {
    const region = figure(page, title);
    await expect(region.getByRole("heading", { name: title, exact: true })).toBeVisible();
    await expect(region).not.toHaveAttribute("aria-busy", "true");
    // recharts draws an accessible surface (role "application") once the chart has a size
    await expect(region.getByRole("application").first()).toBeVisible();
  }

  const size = figure(page, "Size over time");
  await expect(size.getByText("Profiles now", { exact: true })).toBeVisible();
  await expect(size.getByText(/of [\d,]+ profiles in Retail customers/)).toBeVisible();
  const range = figure(page, "Range map");
  await expect(range.getByRole("application")).toHaveAccessibleName(/Newsletter test group 0–20 % \(this segment\)/);
  await expect(figure(page, "Reachability").getByText("Have an email", { exact: true })).toBeVisible();

  // the period is a link: 7 days → ?period=7, marked as current
  const engagement = figure(page, "Engagement");
  await engagement.getByRole("link", { name: "7 days" }).click();
  await expect(page).toHaveURL(/[?&]period=7(&|$)/);
  await expect(figure(page, "Engagement").getByRole("link", { name: "7 days" })).toHaveAttribute("aria-current", "true");
  await expect(figure(page, "Engagement")).toContainText("The last 7 days");
  await expect(figure(page, "Top mailings by clicks")).toContainText("last 7 days");

  // the field is a GET form; the period stays
  const composition = figure(page, "Composition");
  await composition.getByLabel("Field").selectOption({ label: "Loyalty tier (string)" });
  await composition.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/[?&]field=loyalty_tier/);
  await expect(page).toHaveURL(/[?&]period=7/);
  await expect(figure(page, "Composition")).toContainText("Loyalty tier over the selection");
  await expect(figure(page, "Composition").getByRole("application")).toHaveAccessibleName(/bronze/);

  // a number field draws a histogram
  await figure(page, "Composition").getByLabel("Field").selectOption({ label: "Loyalty points (number)" });
  await figure(page, "Composition").getByRole("button", { name: "Show" }).click();
  await expect(figure(page, "Composition")).toContainText("a histogram of its values");

  await page.goto(page.url().replace(/\?.*$/, "?period=30&field=city"));
  for (const title of FIGURES) await expect(figure(page, title).getByRole("application").first()).toBeVisible();
  // the whole report in one picture: a viewport as tall as the page, so the shell's sidebar reaches the bottom
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: 1440, height });
  await screenshot(page, "analytics");
});

test("a segment the user cannot see has no analytics page", async ({ page }) => {
  const response = await page.goto("/segments/dynamic/2147483000/analytics");
  expect(response?.status()).toBe(404);
});
