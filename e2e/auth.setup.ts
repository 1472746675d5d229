import { expect, test as setup } from "@playwright/test";
import { demoPassword, personas, storageState, type Persona } from "./personas";

for (const persona of Object.keys(personas) as Persona[]) {
  setup(`sign in as ${persona}`, async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("Email").fill(personas[persona].email);
    await page.getByLabel("Password").fill(demoPassword);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/segments\/dynamic/);
    await expect(page.getByText(personas[persona].name)).toBeVisible();
    await page.context().storageState({ path: storageState(persona) });
  });
}
