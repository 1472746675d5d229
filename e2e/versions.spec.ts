import { expect, test, type Locator, type Page } from "@playwright/test";
import { storageState } from "./personas";
import { screenshot } from "./screenshots";

test.use({ storageState: storageState("marketer") });

const NAME = "E2E Versions Berlin";

/** A screenshot of one block (same folders as e2e/screenshots.ts). */
const blockShot = (block: Locator, name: string) =>
  block.screenshot({ path: `${process.env.UPDATE_SCREENSHOTS === "1" ? "docs/screenshots" : "test-results/screenshots"}/${name}.png` });

async function createBerlinSegment(page: Page) {
  await page.goto("/segments/dynamic/new");
  await page.getByLabel("Name", { exact: true }).fill(NAME);
  await page.getByRole("button", { name: "Select source" }).click();
  const panel = page.getByRole("dialog", { name: "Select source" });
  await panel.getByRole("button", { name: /Retail customers/ }).click();
  await expect(panel).toBeHidden();
  await page.getByRole("button", { name: "Condition", exact: true }).click();
  await page.getByRole("menuitem", { name: "Add condition group" }).click();
  const dialog = page.getByRole("dialog", { name: "Add condition" });
  await dialog.getByLabel("Field", { exact: true }).selectOption({ label: "City (string)" });
  await dialog.getByLabel("Operator").selectOption({ label: "is" });
  await dialog.getByLabel("Value", { exact: true }).fill("Berlin");
  await dialog.getByRole("button", { name: "Save condition" }).click();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/segments\/dynamic\/\d+$/);
  return Number(page.url().match(/(\d+)$/)![1]);
}

/** A number of the impact summary (Entering, Leaving, Staying, in that order). */
const count = async (page: Page, label: "Entering" | "Leaving" | "Staying") =>
  Number((await page.getByRole("region", { name: "Unsaved changes" }).getByRole("definition").nth(["Entering", "Leaving", "Staying"].indexOf(label)).textContent())?.replace(/,/g, ""));

test("edit → preview changes → save → compare v1/v2 → restore v1 → v3 equals v1; a mailing shows its version; saving a segment in use asks first", async ({ page }) => {
  test.setTimeout(180_000); // one long journey: two saves, a compare, a restore, a mailing, a guarded save
  const id = await createBerlinSegment(page);
  const versions = page.getByRole("region", { name: "Versions" });
  await expect(versions.getByRole("row")).toHaveCount(2); // header + version 1
  await expect(versions).toContainText("Only one version so far");

  // An unsaved edit offers Preview changes: narrowing the range only lets profiles leave.
  await expect(page.getByRole("button", { name: "Preview changes" })).toHaveCount(0);
  await page.getByLabel("Range to").fill("20");
  await page.getByRole("button", { name: "Preview changes" }).click();
  const impact = page.getByRole("region", { name: "Unsaved changes" });
  await expect(impact.getByText("If you save, compared with the saved segment now:")).toBeVisible();
  expect(await count(page, "Entering")).toBe(0);
  expect(await count(page, "Leaving")).toBeGreaterThan(0);
  await expect(impact.getByRole("list", { name: "Profiles leaving" }).getByRole("listitem").first()).toBeVisible();
  await screenshot(page, "preview-changes");

  // Save: version 2, and Compare (latest with the one before) says what changed in words.
  await page.getByLabel("Description").fill("Berliners in the first fifth");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(versions.getByRole("row")).toHaveCount(3);
  const comparison = versions.getByRole("region", { name: "Version 1 compared with version 2" });
  await expect(comparison.getByRole("list", { name: "Differences" })).toHaveText("Range 0–100 % → 0–20 %");
  await blockShot(versions, "versions-compare");
  await comparison.getByRole("tab", { name: "Script" }).click();
  await expect(comparison.getByLabel("Script of version 1 and version 2, line by line")).toContainText('"to": 20');
  await blockShot(versions, "versions-script-diff");

  // The update log names what changed, with before → after and a link to the version.
  const log = page.getByRole("region", { name: "Update log" });
  await expect(log).toContainText("Changed range, description");
  await expect(log).toContainText("Description: none → “Berliners in the first fifth”");
  await expect(log.getByRole("link", { name: "version 2" })).toHaveAttribute("href", `/segments/dynamic/${id}?version=2#versions`);

  // Restore version 1: the confirmation names what will change; version 3 has version 1's definition.
  await versions.getByRole("row", { name: /^Version 1 / }).getByRole("button", { name: /Restore this version/ }).click();
  const confirm = page.getByRole("alertdialog", { name: "Restore version 1?" });
  await expect(confirm.getByRole("list", { name: "Differences" })).toHaveText("Range 0–20 % → 0–100 %");
  await screenshot(page, "versions-restore");
  await confirm.getByRole("button", { name: "Restore version 1" }).click();
  await expect(confirm).toBeHidden();
  await expect(versions.getByRole("row")).toHaveCount(4);
  await expect(versions.getByRole("row", { name: /^Version 3 / })).toContainText("restored from 1");
  await expect(page.getByLabel("Range to")).toHaveValue("100");
  await versions.getByLabel("Compare version", { exact: true }).selectOption("1");
  await versions.getByLabel("with version", { exact: true }).selectOption("3");
  await versions.getByRole("button", { name: "Compare", exact: true }).click();
  await expect(versions.getByRole("region", { name: "Version 1 compared with version 3" })).toContainText("The two versions select the same profiles");

  // A mailing created with the segment shows the version it used, linking to it.
  await page.goto("/mailings");
  const form = page.getByRole("form", { name: "Create mailing" });
  await form.getByLabel("Name").fill("E2E Berlin weekly");
  await form.getByLabel("Profile database").selectOption({ label: "Retail customers" });
  await form.getByLabel("Segment").selectOption({ label: NAME });
  await form.getByRole("button", { name: "Create", exact: true }).click();
  const row = page.getByRole("row", { name: /E2E Berlin weekly/ });
  await expect(row.getByRole("link", { name: "version 3" })).toBeVisible();
  await row.getByRole("link", { name: "version 3" }).click();
  await expect(page).toHaveURL(new RegExp(`/segments/dynamic/${id}\\?version=3#versions$`));
  await expect(page.getByRole("region", { name: "Versions" }).getByRole("row", { name: /^Version 3 / })).toHaveAttribute("aria-current", "true");

  // Now a mailing uses the segment: a Save that changes who is in it shows the impact and asks first.
  await page.getByLabel("Range to").fill("50");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  const guard = page.getByRole("alertdialog", { name: "Save changes to a segment in use?" });
  await expect(guard).toContainText(/[\d,]+ profiles? will leave “E2E Versions Berlin” and 0 will enter; the mailing “E2E Berlin weekly” uses it\./);
  await screenshot(page, "save-impact-confirmation");
  await guard.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("region", { name: "Versions" }).getByRole("row")).toHaveCount(5);

  // At 390 px nothing in the Versions block overflows it (its table scrolls inside its own container).
  // (The page's own width at 390 px is the builder layout's, issue 13.)
  await page.setViewportSize({ width: 390, height: 844 });
  const block = page.getByRole("region", { name: "Versions" });
  await block.scrollIntoViewIfNeeded();
  expect(await block.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
  await blockShot(block, "versions-390");
});
