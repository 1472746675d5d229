import { expect, type Page } from "@playwright/test";

/** Adds a group with one condition "City is <city>" through the condition dialog. */
export async function addCityCondition(page: Page, city: string) {
  await page.getByRole("button", { name: "Condition", exact: true }).click();
  await page.getByRole("menuitem", { name: "Add condition group" }).click();
  const dialog = page.getByRole("dialog", { name: "Add condition" });
  await dialog.getByLabel("Field", { exact: true }).selectOption({ label: "City (string)" });
  await dialog.getByLabel("Operator").selectOption({ label: "is" });
  await dialog.getByLabel("Value", { exact: true }).fill(city);
  await dialog.getByRole("button", { name: "Save condition" }).click();
  await expect(dialog).toBeHidden();
}
