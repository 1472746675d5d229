import { expect, test, type Page } from "@playwright/test";
import { addCityCondition } from "./builder-steps";
import { storageState } from "./personas";

/**
 * Issue 13: the builder keeps what the marketer entered, says what is wrong next to the field,
 * keeps names unique, returns focus, and asks before unsaved edits are lost — at 1440 and 390 px.
 */
test.use({ storageState: storageState("marketer") });

const viewports = [
  { name: "desktop", width: 1440, height: 900 },
  { name: "phone", width: 390, height: 844 },
] as const;

async function chooseSource(page: Page, name: string) {
  await page.getByRole("button", { name: "Select source" }).click();
  const panel = page.getByRole("dialog", { name: "Select source" });
  await panel.getByRole("button", { name: new RegExp(name) }).click();
  await expect(panel).toBeHidden();
}

for (const vp of viewports) {
  test.describe(`at ${vp.width} px`, () => {
    test.use({ viewport: { width: vp.width, height: vp.height } });

    test("a failed save keeps every field as entered, and the next save stores what was entered (new and saved)", async ({ page }) => {
      const name = `Test group ${vp.name} ${Date.now()}`;
      await page.goto("/segments/dynamic/new");
      await page.getByLabel("Name", { exact: true }).fill(name);
      await chooseSource(page, "Retail customers");
      await page.getByLabel("Range from").fill("10");
      await page.getByLabel("Range to").fill("30");
      await addCityCondition(page, "Berlin");
      await page.getByLabel("Set a limit on the maximum in the segment").check();
      await page.getByLabel("Limit", { exact: true }).fill("-5");
      await page.getByLabel("Description").fill("A 20 % test group");
      await page.getByLabel("Tags").fill("test, split");
      await page.getByRole("button", { name: "Save", exact: true }).click();

      await expect(page.getByText("The limit must be a whole number of at least 1.")).toBeVisible();
      await expect(page).toHaveURL(/\/new$/);
      await expect(page.getByLabel("Name", { exact: true })).toHaveValue(name);
      await expect(page.getByLabel("Range from")).toHaveValue("10");
      await expect(page.getByLabel("Range to")).toHaveValue("30");
      await expect(page.getByRole("button", { name: "Select source" })).toContainText("Retail customers");
      await expect(page.getByRole("group", { name: "Group 1" })).toContainText("“Berlin”");
      await expect(page.getByLabel("Set a limit on the maximum in the segment")).toBeChecked();
      await expect(page.getByLabel("Limit", { exact: true })).toHaveValue("-5");
      await expect(page.getByLabel("Description")).toHaveValue("A 20 % test group");
      await expect(page.getByLabel("Tags")).toHaveValue("test, split");

      await page.getByLabel("Limit", { exact: true }).fill("50");
      await expect(page.getByText("The limit must be a whole number of at least 1.")).toBeHidden();
      await page.getByRole("button", { name: "Save", exact: true }).click();
      await expect(page).toHaveURL(/\/segments\/dynamic\/\d+$/);
      await expect(page.getByRole("heading", { name })).toBeVisible();
      await expect(page.getByLabel("Range from")).toHaveValue("10");
      await expect(page.getByLabel("Range to")).toHaveValue("30");
      await expect(page.getByLabel("Limit", { exact: true })).toHaveValue("50");

      // Editing the saved segment: a failed save keeps the new range too.
      await page.getByLabel("Range from").fill("20");
      await page.getByLabel("Range to").fill("40");
      await page.getByLabel("Limit", { exact: true }).fill("0");
      await page.getByRole("button", { name: "Save", exact: true }).click();
      await expect(page.getByText("The limit must be a whole number of at least 1.")).toBeVisible();
      await expect(page.getByLabel("Range from")).toHaveValue("20");
      await expect(page.getByLabel("Range to")).toHaveValue("40");
      await page.getByLabel("Limit", { exact: true }).fill("60");
      await page.getByRole("button", { name: "Save", exact: true }).click();
      await expect(page.getByText("The limit must be a whole number of at least 1.")).toBeHidden();
      await expect(page.getByRole("button", { name: "Save", exact: true })).toBeEnabled();
      await page.reload();
      await expect(page.getByLabel("Range from")).toHaveValue("20");
      await expect(page.getByLabel("Range to")).toHaveValue("40");
      await expect(page.getByLabel("Limit", { exact: true })).toHaveValue("60");
    });

    test("errors show next to their field in words and clear when fixed; Calculate checks the range first; the condition dialog refuses an invalid condition", async ({ page }) => {
      await page.goto("/segments/dynamic/new");
      await page.getByRole("button", { name: "Save", exact: true }).click();
      const nameError = page.getByText("Give the segment a name.");
      const sourceError = page.getByText("Select a source.");
      await expect(nameError).toBeVisible();
      await expect(sourceError).toBeVisible();
      await expect(page.getByText("This is required.")).toHaveCount(0);
      await page.getByLabel("Name", { exact: true }).fill(`Errors ${vp.name}`);
      await expect(nameError).toBeHidden();
      await chooseSource(page, "Retail customers");
      await expect(sourceError).toBeHidden();
      // Nothing left to fix: the form's "not saved" notice goes too.
      await expect(page.getByText("Fix the fields marked below.")).toBeHidden();

      await page.getByLabel("Range from").fill("70");
      await page.getByLabel("Range to").fill("30");
      await page.getByRole("button", { name: "Calculate", exact: true }).click();
      const rangeError = page.locator("#rangeTo-error");
      await expect(rangeError).toHaveText("Range to must be greater than Range from.");
      await expect(page.getByLabel("Range to")).toHaveAttribute("aria-invalid", "true");
      await expect(page.getByText("range.to")).toHaveCount(0);
      await expect(page.getByText("Some values are not valid.")).toHaveCount(0);
      await page.getByLabel("Range to").fill("90");
      await expect(rangeError).toBeHidden();

      await page.getByRole("button", { name: "Condition", exact: true }).click();
      await page.getByRole("menuitem", { name: "Add condition group" }).click();
      const dialog = page.getByRole("dialog", { name: "Add condition" });
      await dialog.getByLabel("Field", { exact: true }).selectOption({ label: "Loyalty points (number)" });
      await dialog.getByLabel("Operator").selectOption({ label: "is between" });
      await dialog.getByLabel("From", { exact: true }).fill("500");
      await dialog.getByLabel("To", { exact: true }).fill("100");
      await dialog.getByRole("button", { name: "Save condition" }).click();
      await expect(dialog).toBeVisible();
      await expect(dialog.locator("#cond-value-error")).toHaveText("The first value must not be greater than the second.");
      await expect(dialog.getByText(/groups\[0\]/)).toHaveCount(0);
      await dialog.getByLabel("From", { exact: true }).fill("100");
      await dialog.getByLabel("To", { exact: true }).fill("500");
      // Enter in the value field saves the condition.
      await dialog.getByLabel("To", { exact: true }).press("Enter");
      await expect(dialog).toBeHidden();
      await expect(page.getByRole("group", { name: "Group 1" })).toContainText("100");
      await page.getByRole("button", { name: "Calculate", exact: true }).click();
      await expect(page.getByLabel("Profile count")).toHaveText(/^\d[\d,]*$/);
    });

    test.describe("as an admin, who sees both databases", () => {
      test.use({ storageState: storageState("admin") });

      test("switching the source before the first save marks conditions on fields the new database lacks at once", async ({ page }) => {
        await page.goto("/segments/dynamic/new");
        await chooseSource(page, "Retail customers");
        await addCityCondition(page, "Berlin");
        await expect(page.getByRole("group", { name: "Group 1" })).not.toContainText("Unknown field");
        await chooseSource(page, "Wholesale partners");
        await expect(page.getByRole("group", { name: "Group 1" })).toContainText('Unknown field "city"');
        await page.getByLabel("Name", { exact: true }).fill(`Switched ${vp.name}`);
        await page.getByRole("button", { name: "Save", exact: true }).click();
        await expect(page.getByText("Fix the conditions marked below.")).toBeVisible();
        await expect(page).toHaveURL(/\/new$/);
      });
    });

    test("Copy profiles to profile database with no other database says why and links to creating one", async ({ page }) => {
      // The demo marketer sees one profile database only.
      await page.goto("/segments/dynamic/new");
      await chooseSource(page, "Retail customers");
      await addCityCondition(page, "Berlin");
      await page.getByRole("button", { name: "Copy profiles to profile database" }).click();
      const dialog = page.getByRole("dialog", { name: "Copy profiles to profile database" });
      await expect(dialog.getByText("There is no other profile database to copy into.")).toBeVisible();
      await expect(dialog.getByRole("link", { name: "Create a profile database" })).toHaveAttribute("href", "/databases/new");
    });

    test("the Show table writes every empty value the same way", async ({ page }) => {
      await page.goto("/segments/dynamic/new");
      await chooseSource(page, "Retail customers");
      await page.getByRole("button", { name: "Show", exact: true }).click();
      const table = page.getByRole("dialog", { name: /First \d+ profiles of the selection/ });
      await expect(table.getByRole("row").nth(1)).toBeVisible();
      const cells = await table.getByRole("cell").allTextContents();
      expect(cells.filter((c) => c.trim() === "")).toEqual([]);
      expect(cells.some((c) => c === "—")).toBe(true);
    });

    test("segment names are unique per database: error next to Name; clones are Copy of … and calculated", async ({ page }) => {
      await page.goto("/segments/dynamic/new");
      await page.getByLabel("Name", { exact: true }).fill("  berlin VIPS ");
      await chooseSource(page, "Retail customers");
      await page.getByRole("button", { name: "Save", exact: true }).click();
      await expect(page.locator("#name-error")).toHaveText(/already has this name/);
      await expect(page).toHaveURL(/\/new$/);
      await page.getByLabel("Name", { exact: true }).fill(`Berlin VIPs ${vp.name}`);
      await expect(page.locator("#name-error")).toBeHidden();

      await page.goto("/segments/dynamic?q=Newsletter+test+group");
      await page.getByRole("button", { name: "Actions for Newsletter test group" }).click();
      await page.getByRole("menuitem", { name: "Clone segment" }).click();
      await expect(page.getByRole("heading", { name: /^Copy of Newsletter test group( \(\d+\))?$/ })).toBeVisible();
      const first = (await page.getByRole("heading", { level: 1 }).textContent())!;
      await expect(page.getByLabel("Profile count")).toHaveText(/^\d[\d,]*$/);
      await page.goto("/segments/dynamic?q=Newsletter+test+group");
      await page.getByRole("button", { name: "Actions for Newsletter test group", exact: true }).click();
      await page.getByRole("menuitem", { name: "Clone segment" }).click();
      await expect(page.getByRole("heading", { name: /^Copy of Newsletter test group \(\d+\)$/ })).toBeVisible();
      expect(await page.getByRole("heading", { level: 1 }).textContent()).not.toBe(first);
      await expect(page.getByLabel("Profile count")).toHaveText(/^\d[\d,]*$/);
    });

    test("focus returns to the opener after the source panel and the condition dialog close; a skip link jumps past the navigation", async ({ page }) => {
      await page.goto("/segments/dynamic/new");
      await page.keyboard.press("Tab");
      const skip = page.getByRole("link", { name: "Skip to content" });
      await expect(skip).toBeFocused();
      await page.keyboard.press("Enter");
      await expect(page.locator("#main")).toBeFocused();

      const source = page.getByRole("button", { name: "Select source" });
      await source.focus();
      await page.keyboard.press("Enter");
      await expect(page.getByRole("dialog", { name: "Select source" })).toBeVisible();
      await page.keyboard.press("Escape");
      await expect(source).toBeFocused();
      await source.click();
      await page.getByRole("dialog", { name: "Select source" }).getByRole("button", { name: /Retail customers/ }).click();
      await expect(source).toBeFocused();

      await addCityCondition(page, "Berlin");
      await expect(page.getByRole("button", { name: "Condition", exact: true })).toBeFocused();
      const add = page.getByRole("button", { name: "Add condition to group 1" });
      await add.click();
      await page.keyboard.press("Escape");
      await expect(add).toBeFocused();
      const edit = page.getByRole("button", { name: "Edit condition 1 of group 1" });
      await edit.click();
      await page.getByRole("dialog", { name: "Edit condition" }).getByLabel("Value", { exact: true }).press("Enter");
      await expect(page.getByRole("dialog", { name: "Edit condition" })).toBeHidden();
      await expect(edit).toBeFocused();
    });

    test("leaving a form with unsaved changes asks first (in-app link, back, close)", async ({ page }) => {
      await page.goto("/segments/dynamic?q=Berlin+VIPs");
      await page.getByRole("link", { name: "Berlin VIPs", exact: true }).click();
      await expect(page.getByRole("heading", { name: "Berlin VIPs" })).toBeVisible();
      const url = page.url();
      await page.getByLabel("Name", { exact: true }).fill("Berlin VIPs renamed");

      const messages: string[] = [];
      page.once("dialog", (d) => {
        messages.push(d.message());
        void d.dismiss();
      });
      await page.getByRole("link", { name: "Dynamic segments" }).first().click();
      await expect.poll(() => messages.length).toBe(1);
      expect(messages[0]).toMatch(/unsaved changes/);
      expect(page.url()).toBe(url);
      await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Berlin VIPs renamed");

      page.once("dialog", (d) => {
        messages.push(d.message());
        void d.dismiss();
      });
      await page.goBack();
      await expect.poll(() => messages.length).toBe(2);
      await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Berlin VIPs renamed");

      let beforeUnload = false;
      page.once("dialog", (d) => {
        beforeUnload = d.type() === "beforeunload";
        void d.dismiss();
      });
      await page.close({ runBeforeUnload: true });
      await expect.poll(() => beforeUnload).toBe(true);
    });
  });
}

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  for (const vp of viewports) {
    test(`at ${vp.width} px a failed save shows every field as typed, a bad Script included`, async ({ page }) => {
      await page.setViewportSize({ width: vp.width, height: vp.height });
      const name = `No-JS kept ${vp.name} ${Date.now()}`;
      const badScript = '{ "logic": "and" "groups": [] }';
      await page.goto("/segments/dynamic/new");
      await page.getByLabel("Name", { exact: true }).fill(name);
      await page.getByRole("combobox", { name: "Select source" }).selectOption({ label: "Retail customers" });
      await page.getByLabel("Range from").fill("10");
      await page.getByLabel("Range to").fill("30");
      await page.getByLabel("Set a limit on the maximum in the segment").check();
      await page.getByLabel("Limit", { exact: true }).fill("-5");
      await page.getByLabel("Description").fill("Typed without JavaScript");
      await page.getByLabel("Tags").fill("no-js");
      await page.getByRole("textbox", { name: "Script", exact: true }).fill(badScript);
      await page.getByRole("button", { name: "Save", exact: true }).click();

      await expect(page.getByText(/Line 1, column \d+/)).toBeVisible();
      await expect(page.getByText("The limit must be a whole number of at least 1.")).toBeVisible();
      await expect(page.getByRole("textbox", { name: "Script", exact: true })).toHaveValue(badScript);
      await expect(page.getByLabel("Name", { exact: true })).toHaveValue(name);
      await expect(page.getByRole("combobox", { name: "Select source" })).toHaveValue(/\d+/);
      await expect(page.getByLabel("Range from")).toHaveValue("10");
      await expect(page.getByLabel("Range to")).toHaveValue("30");
      await expect(page.getByLabel("Set a limit on the maximum in the segment")).toBeChecked();
      await expect(page.getByLabel("Limit", { exact: true })).toHaveValue("-5");
      await expect(page.getByLabel("Description")).toHaveValue("Typed without JavaScript");
      await expect(page.getByLabel("Tags")).toHaveValue("no-js");

      await page.getByRole("textbox", { name: "Script", exact: true }).fill('{ "logic": "and", "groups": [] }');
      await page.getByLabel("Limit", { exact: true }).fill("40");
      await page.getByRole("button", { name: "Save", exact: true }).click();
      await expect(page).toHaveURL(/\/segments\/dynamic\/\d+$/);
      await expect(page.getByRole("heading", { name })).toBeVisible();
      await expect(page.getByLabel("Range from")).toHaveValue("10");
      await expect(page.getByLabel("Range to")).toHaveValue("30");
      await expect(page.getByLabel("Profile count")).toHaveText("40");
    });
  }
});
