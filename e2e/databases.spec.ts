import { expect, test } from "@playwright/test";
import { storageState } from "./personas";

test.use({ storageState: "e2e/.auth/admin.json" });

test("an admin creates a database with fields, imports a CSV and sees the profiles", async ({ page }) => {
  const name = `E2E customers ${Date.now()}`;

  await page.goto("/databases");
  await page.getByRole("link", { name: "Create database" }).click();
  await expect(page.getByRole("heading", { name: "Create profile database" })).toBeVisible();

  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Field 1 key").fill("loyalty_points");
  await page.getByLabel("Field 1 type").selectOption({ label: "Number" });
  await page.getByLabel("Field 1 label").fill("Loyalty points");
  await page.getByRole("button", { name: "Add field" }).click();
  await page.getByLabel("Field 2 key").fill("city");
  await page.getByLabel("Field 2 label").fill("City");
  await page.getByRole("button", { name: "Add field" }).click();
  await page.getByLabel("Field 3 key").fill("vip");
  await page.getByLabel("Field 3 type").selectOption({ label: "Yes / no" });
  await page.getByRole("button", { name: "Create database" }).click();

  await expect(page).toHaveURL(/\/databases\/\d+$/);
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.getByText("0 profiles · 3 custom fields")).toBeVisible();

  const csv = [
    "email,first_name,last_name,loyalty_points,city,vip,email_subscription",
    "ann@example.com,Ann,Archer,120,Berlin,yes,subscribed",
    'bob@example.com,Bob,Baker,,"Paris, FR",no,',
    "cleo@example.com,Cleo,,7,,,unsubscribed",
  ].join("\n");
  await page.getByLabel("CSV file").setInputFiles({ name: "profiles.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Import profiles" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Imported 3 profiles." })).toBeVisible();

  const table = page.getByRole("table", { name: "Profiles" });
  await expect(table.getByRole("row")).toHaveCount(4); // header + 3 profiles
  await expect(table.getByRole("row", { name: /ann@example\.com/ })).toContainText("Ann Archer");
  await expect(table.getByRole("row", { name: /ann@example\.com/ })).toContainText("Berlin");
  await expect(table.getByRole("row", { name: /bob@example\.com/ })).toContainText("Paris, FR");
  await expect(page.getByText("3 profiles · 3 custom fields")).toBeVisible();

  // A file with a bad row imports nothing and says where the problem is.
  const bad = ["email,loyalty_points", "dan@example.com,5", "eve@example.com,lots"].join("\n");
  await page.getByLabel("CSV file").setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from(bad) });
  await page.getByRole("button", { name: "Import profiles" }).click();
  await expect(page.getByRole("list", { name: "Problems in the file" })).toContainText('Row 3, column loyalty_points: "lots" is not a number.');
  await expect(table.getByRole("row")).toHaveCount(4);

  await page.getByLabel("Search by email").fill("bob@");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(table).toContainText("bob@example.com");

  await page.goto("/databases");
  const row = page.getByRole("row", { name: new RegExp(name) });
  await expect(row).toContainText("3");
  await expect(row).toContainText("loyalty_points");
});

test.describe("as a marketer outside the Wholesale team", () => {
  test.use({ storageState: storageState("marketer") });

  test("does not see Wholesale partners and gets 404 on its page", async ({ page, browser }) => {
    // Where the database lives, as an admin sees it.
    const admin = await browser.newContext({ storageState: storageState("admin") });
    const adminPage = await admin.newPage();
    await adminPage.goto("/databases");
    const href = await adminPage.getByRole("link", { name: "Wholesale partners" }).getAttribute("href");
    await admin.close();
    expect(href).toMatch(/^\/databases\/\d+$/);

    await page.goto("/databases");
    await expect(page.getByRole("link", { name: "Retail customers" })).toBeVisible();
    await expect(page.getByText("Wholesale partners")).toHaveCount(0);

    const response = await page.goto(href ?? "/databases/0");
    expect(response?.status()).toBe(404);
    await expect(page.getByText("Wholesale partners")).toHaveCount(0);
  });
});
