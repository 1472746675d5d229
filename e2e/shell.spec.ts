import { expect, test } from "@playwright/test";
import { personas, storageState } from "./personas";

test.describe("signed out", () => {
  test("a signed-out visitor is sent to the sign-in page and comes back after signing in", async ({ page }) => {
    await page.goto("/databases");
    await expect(page).toHaveURL(/\/login\?callbackUrl=/);
    await page.getByLabel("Email").fill(personas.marketer.email);
    await page.getByLabel("Password").fill("demo1234");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/databases$/);
  });

  test("a wrong password and an unknown user get the same answer", async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("Email").fill(personas.lead.email);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("Email or password is incorrect.")).toBeVisible();
    await page.getByLabel("Email").fill("nobody@example.com");
    await page.getByLabel("Password").fill("demo1234");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("Email or password is incorrect.")).toBeVisible();
  });
});

for (const persona of ["admin", "lead", "marketer"] as const) {
  test.describe(`as ${persona}`, () => {
    test.use({ storageState: storageState(persona) });

    test("the shell shows the navigation and the user", async ({ page }) => {
      await page.goto("/");
      await expect(page).toHaveURL(/\/segments\/dynamic/);
      const nav = page.getByRole("navigation", { name: "Main" });
      for (const link of ["Dynamic segments", "Static segments", "Profile databases", "Mailings", "Scenarios", "Bin", "Access groups", "API tokens", "Sessions"]) {
        await expect(nav.getByRole("link", { name: link })).toBeVisible();
      }
      await expect(nav.getByRole("link", { name: "Users" })).toHaveCount(persona === "admin" ? 1 : 0);
      await expect(page.getByText(personas[persona].name)).toBeVisible();
      await nav.getByRole("link", { name: "Profile databases" }).click();
      await expect(page.getByRole("heading", { name: "Profile databases" })).toBeVisible();
      await expect(page.getByText("Retail customers")).toBeVisible();
    });
  });
}

test("signing out ends the session", async ({ browser }) => {
  // A session of its own: signing out ends the session record, and the stored logins must live on.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("Email").fill(personas.marketer.email);
  await page.getByLabel("Password").fill("demo1234");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/segments\/dynamic/);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/segments/dynamic");
  await expect(page).toHaveURL(/\/login/);
  await context.close();
});
