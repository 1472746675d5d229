import { readFileSync } from "node:fs";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { storageState } from "./personas";
import { screenshot } from "./screenshots";

/*
 * Acting on selections through the UI: the list's row actions and the builder's quick actions, each
 * running as a job with a progress bar, its outcome, and its trace in the update log and on the pages
 * of static segments, scenarios, mailings and jobs.
 */
test.use({ storageState: storageState("marketer") });

/** The first number in a text ("Copied 1,234 profiles …" → 1234). */
const count = (text: string | null) => Number((/\d[\d,]*/.exec(text ?? "")?.[0] ?? "").replace(/,/g, ""));

async function openRowAction(page: Page, segment: string, action: string): Promise<Locator> {
  await page.goto(`/segments/dynamic?q=${encodeURIComponent(segment)}`);
  await page.getByRole("button", { name: `Actions for ${segment}` }).click();
  await page.getByRole("menuitem", { name: action }).click();
  const dialog = page.getByRole("dialog", { name: action });
  await expect(dialog).toBeVisible();
  return dialog;
}

/** Waits for the job in the dialog to finish and answers its summary. */
async function finished(dialog: Locator): Promise<string> {
  const status = dialog.getByRole("status");
  await expect(status).toBeVisible({ timeout: 30_000 });
  return (await status.textContent()) ?? "";
}

test("copy profiles from a segment into a new static segment; the list, the members and the update log agree", async ({ page }) => {
  const dialog = await openRowAction(page, "Berlin VIPs", "Copy profiles from segment");
  await dialog.getByLabel("New static segment").check();
  await dialog.getByLabel("New segment name").fill("E2E Berlin VIP list");
  // A double click submits once: one job, one copy.
  await dialog.getByRole("button", { name: "Copy profiles" }).dblclick();
  await expect(dialog.getByRole("progressbar", { name: /Copy profiles to new static segment/ })).toBeVisible();
  const summary = await finished(dialog);
  expect(summary).toMatch(/^Copied [\d,]+ profiles? to static segment “E2E Berlin VIP list”$/);
  const copied = count(summary);
  expect(copied).toBeGreaterThan(0);
  await dialog.getByRole("button", { name: "Done" }).click();

  await page.goto("/segments/static");
  const row = page.getByRole("row", { name: /E2E Berlin VIP list/ });
  await expect(row).toContainText(copied.toLocaleString("en-US"));
  await row.getByRole("link", { name: "E2E Berlin VIP list" }).click();
  await expect(page.getByLabel("Member count")).toHaveText(copied.toLocaleString("en-US"));

  // Remove one member from the table.
  await page.getByRole("checkbox", { name: /Select profile \d+/ }).first().check();
  await page.getByRole("button", { name: "Remove from segment" }).click();
  await expect(page.getByText("Removed 1 profile.")).toBeVisible();
  await expect(page.getByLabel("Member count")).toHaveText((copied - 1).toLocaleString("en-US"));

  await page.goto("/jobs");
  await expect(page.getByText("Copy profiles to new static segment “E2E Berlin VIP list”")).toHaveCount(1);
  await screenshot(page, "jobs");

  await page.goto("/segments/dynamic?q=Berlin+VIPs");
  await page.getByRole("link", { name: "Berlin VIPs" }).click();
  await expect(page.getByRole("region", { name: "Update log" })).toContainText(summary);
  await expect(page.getByRole("region", { name: "Recent actions" })).toContainText("Finished");
});

test("quick actions appear with the first condition and export an unsaved selection as CSV", async ({ page }) => {
  await page.goto("/segments/dynamic/new");
  await page.getByRole("button", { name: "Select source" }).click();
  const panel = page.getByRole("dialog", { name: "Select source" });
  await panel.getByRole("button", { name: /Retail customers/ }).click();
  await expect(page.getByRole("button", { name: "Export profiles" })).toHaveCount(0);

  await page.getByRole("button", { name: "Condition", exact: true }).click();
  await page.getByRole("menuitem", { name: "Add condition group" }).click();
  const condition = page.getByRole("dialog", { name: "Add condition" });
  await condition.getByLabel("Field", { exact: true }).selectOption({ label: "City (string)" });
  await condition.getByLabel("Operator").selectOption({ label: "is" });
  await condition.getByLabel("Value", { exact: true }).fill("Hamburg");
  await condition.getByRole("button", { name: "Save condition" }).click();

  const quick = page.getByRole("region", { name: "Quick actions" });
  for (const name of ["Copy profiles to profile database", "Copy profiles to static segment", "Export profiles", "Bulk edit profiles", "Add profiles to scenario"])
    await expect(quick.getByRole("button", { name })).toBeVisible();

  await quick.getByRole("button", { name: "Export profiles" }).click();
  const dialog = page.getByRole("dialog", { name: "Export profiles" });
  await dialog.getByRole("button", { name: "Clear fields" }).click();
  await dialog.getByRole("checkbox", { name: "id", exact: true }).check();
  await dialog.getByRole("checkbox", { name: "email", exact: true }).check();
  await dialog.getByRole("checkbox", { name: "city", exact: true }).check();
  await dialog.getByRole("button", { name: "Export", exact: true }).click();
  const summary = await finished(dialog);
  expect(summary).toMatch(/^Exported [\d,]+ profiles? as CSV$/);
  const [download] = await Promise.all([page.waitForEvent("download"), dialog.getByRole("link", { name: "Download" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^selection-profiles-\d{4}-\d{2}-\d{2}\.csv$/);
  const lines = readFileSync((await download.path())!, "utf8").trimEnd().split("\r\n");
  expect(lines[0]).toBe("id,email,city");
  expect(lines).toHaveLength(count(summary) + 1);
  expect(lines.slice(1).every((l) => l.endsWith(",Hamburg"))).toBe(true);
});

test("bulk edit shows how many profiles will change, asks to confirm, and logs the change", async ({ page }) => {
  const dialog = await openRowAction(page, "Berlin VIPs", "Update profiles");
  await dialog.getByLabel("Field 1").selectOption({ label: "Loyalty tier (string)" });
  await dialog.getByLabel("Value 1").fill("platinum");
  await expect(dialog.getByRole("button", { name: "Apply changes" })).toBeDisabled();
  await dialog.getByRole("button", { name: "Count profiles to change" }).click();
  await expect(dialog.getByText(/[\d,]+ of [\d,]+ profiles will change\. Apply to confirm\./)).toBeVisible();
  const apply = dialog.getByRole("button", { name: /^Apply to [\d,]+ profiles$/ });
  const willChange = count(await apply.textContent());
  await screenshot(page, "bulk-edit");
  await apply.click();
  expect(await finished(dialog)).toMatch(new RegExp(`^Updated ${willChange.toLocaleString("en-US")} profiles \\(set loyalty_tier\\)`));
  await dialog.getByRole("button", { name: "Done" }).click();

  // Again: nothing left to change.
  const again = await openRowAction(page, "Berlin VIPs", "Update profiles");
  await again.getByLabel("Field 1").selectOption({ label: "Loyalty tier (string)" });
  await again.getByLabel("Value 1").fill("platinum");
  await again.getByRole("button", { name: "Count profiles to change" }).click();
  await expect(again.getByText(/None of the [\d,]+ profiles would change/)).toBeVisible();
  await expect(again.getByRole("button", { name: "Apply to 0 profiles" })).toBeDisabled();
});

test("a wrong value type in a bulk edit is refused with a clear message", async ({ page }) => {
  const dialog = await openRowAction(page, "Berlin VIPs", "Update profiles");
  await dialog.getByLabel("Field 1").selectOption({ label: "Birthday (date)" });
  await dialog.getByLabel("Value 1").fill("next tuesday");
  await dialog.getByRole("button", { name: "Count profiles to change" }).click();
  await expect(dialog.getByRole("alert")).toContainText("Birthday: Expected an ISO date");
});

test("create a scenario and a mailing, add a segment's profiles to the scenario; the segment lists both as dependent objects", async ({ page }) => {
  await page.goto("/scenarios");
  await page.getByLabel("Name").fill("E2E welcome journey");
  await page.getByLabel("Profile database").selectOption({ label: "Retail customers" });
  await page.getByLabel("Segment").selectOption({ label: "Engaged openers" });
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("heading", { name: "E2E welcome journey" })).toBeVisible();
  await expect(page.getByLabel("Participant count")).toHaveText("0");

  await page.goto("/mailings");
  await page.getByLabel("Name").fill("E2E spring newsletter");
  await page.getByLabel("Profile database").selectOption({ label: "Retail customers" });
  await page.getByLabel("Segment").selectOption({ label: "Engaged openers" });
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("row", { name: /E2E spring newsletter/ })).toContainText("Engaged openers");

  await page.goto("/segments/dynamic?q=Engaged+openers");
  await page.getByRole("link", { name: "Engaged openers" }).click();
  const dependents = page.getByRole("region", { name: "Dependent objects" });
  await expect(dependents).toContainText("E2E welcome journey");
  await expect(dependents).toContainText("E2E spring newsletter");

  await page.getByRole("region", { name: "Quick actions" }).getByRole("button", { name: "Add profiles to scenario" }).click();
  const dialog = page.getByRole("dialog", { name: "Add profiles to scenario" });
  await dialog.getByLabel("Scenario").selectOption({ label: "E2E welcome journey (0 participants)" });
  await dialog.getByRole("button", { name: "Add profiles" }).click();
  const summary = await finished(dialog);
  expect(summary).toMatch(/^Added [\d,]+ profiles? to scenario “E2E welcome journey”$/);
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(page.getByRole("region", { name: "Update log" })).toContainText(summary);

  await page.goto("/scenarios");
  await page.getByRole("link", { name: "E2E welcome journey" }).click();
  await expect(page.getByLabel("Participant count")).toHaveText(count(summary).toLocaleString("en-US"));
});

test("export a segment's profile history over a period", async ({ page }) => {
  const dialog = await openRowAction(page, "Engaged openers", "Export profile history");
  await dialog.getByLabel("From").fill("2020-01-01");
  await dialog.getByRole("button", { name: "Export", exact: true }).click();
  expect(await finished(dialog)).toMatch(/^Exported the history of [\d,]+ profiles \([\d,]+ rows, 2020-01-01 – \d{4}-\d{2}-\d{2}\)$/);
  const [download] = await Promise.all([page.waitForEvent("download"), dialog.getByRole("link", { name: "Download" }).click()]);
  const lines = readFileSync((await download.path())!, "utf8").split("\r\n");
  expect(lines[0]).toBe("profile_id,email,at,kind,what,channel,mailing_id,old_value,new_value,changed_by,source,properties");
  expect(lines.some((l) => /,event,opened,email,\d+,/.test(l))).toBe(true);
});

test.describe("as an admin", () => {
  test.use({ storageState: storageState("admin") });

  test("copy profiles to another profile database, skipping emails that are already there", async ({ page }) => {
    await page.goto("/segments/dynamic?q=Berlin+VIPs");
    await page.getByRole("link", { name: "Berlin VIPs" }).click();
    await page.getByRole("region", { name: "Quick actions" }).getByRole("button", { name: "Copy profiles to profile database" }).click();
    const dialog = page.getByRole("dialog", { name: "Copy profiles to profile database" });
    await dialog.getByLabel("Target database").selectOption({ label: "Wholesale partners" });
    await expect(dialog).toContainText("Custom fields copied: none");
    await dialog.getByRole("button", { name: "Copy profiles" }).click();
    const first = await finished(dialog);
    expect(first).toMatch(/^Copied [\d,]+ profiles? to profile database “Wholesale partners” \([\d,]+ new/);
    await dialog.getByRole("button", { name: "Done" }).click();

    // The same copy again finds every email there already.
    await page.getByRole("region", { name: "Quick actions" }).getByRole("button", { name: "Copy profiles to profile database" }).click();
    const again = page.getByRole("dialog", { name: "Copy profiles to profile database" });
    await again.getByLabel("Target database").selectOption({ label: "Wholesale partners" });
    await again.getByRole("button", { name: "Copy profiles" }).click();
    expect(await finished(again)).toMatch(/\(0 new, [\d,]+ skipped\)$/);
  });
});

test("a marketer cannot pick a database they may not see as a copy target", async ({ page }) => {
  await page.goto("/segments/dynamic?q=Berlin+VIPs");
  await page.getByRole("link", { name: "Berlin VIPs" }).click();
  await page.getByRole("region", { name: "Quick actions" }).getByRole("button", { name: "Copy profiles to profile database" }).click();
  const dialog = page.getByRole("dialog", { name: "Copy profiles to profile database" });
  // The only other database is invisible to the marketer: the dialog says there is none to copy into.
  await expect(dialog.getByText("There is no other profile database to copy into.")).toBeVisible();
  await expect(dialog).not.toContainText("Wholesale partners");
});
