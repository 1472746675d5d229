import { expect, test as setup } from "@playwright/test";
import { demoPassword, personas, storageState, type Persona } from "./personas";

for (const persona of Object.keys(personas) as Persona[]) {
  setup(`sign in as ${persona}`, async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("Email").fill(personas[persona].email);
    await page.getByLabel("Password").fill(demoPassword);
    await page.getByRole("button", { name: "Sign in" }).click();
    // The first sign-in after a cold start can take long on a loaded machine (bcrypt, first render).
    await expect(page).toHaveURL(/\/segments\/dynamic/, { timeout: 90_000 });
    await expect(page.getByText(personas[persona].name)).toBeVisible();
    await page.context().storageState({ path: storageState(persona) });
  });
}
