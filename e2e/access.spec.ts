import { expect, test, type Browser, type Page } from "@playwright/test";
import { personas, storageState, type Persona } from "./personas";
import { screenshot } from "./screenshots";

/** Access groups decide visibility on the next request; API tokens made in the UI act as their user. */

async function pageAs(browser: Browser, persona: Persona): Promise<Page> {
  const context = await browser.newContext({ storageState: storageState(persona) });
  return context.newPage();
}

test("a lead adds the marketer to Wholesale team, the marketer sees its segment; after removal, 404", async ({ browser }) => {
  const lead = await pageAs(browser, "lead");
  const marketer = await pageAs(browser, "marketer");

  // The lead leads Wholesale team and sees its segment; the marketer does not.
  await lead.goto("/segments/dynamic?q=Verified+key+accounts");
  await lead.getByRole("link", { name: "Verified key accounts" }).click();
  await expect(lead).toHaveURL(/\/segments\/dynamic\/\d+$/);
  const segmentPath = new URL(lead.url()).pathname;

  await marketer.goto("/segments/dynamic?q=Verified");
  await expect(marketer.getByRole("link", { name: "Verified key accounts" })).toHaveCount(0);
  expect((await marketer.goto(segmentPath))?.status()).toBe(404);

  // The lead adds the marketer by email.
  await lead.goto("/settings/access-groups");
  const wholesale = lead.getByRole("region", { name: "Wholesale team" });
  await wholesale.getByLabel("Member email").fill(personas.marketer.email);
  await wholesale.getByRole("button", { name: "Add member" }).click();
  await expect(wholesale.getByRole("cell", { name: personas.marketer.name, exact: true })).toBeVisible();
  await screenshot(lead, "settings-access-groups-lead");

  // The marketer's next request sees the segment.
  await marketer.goto("/segments/dynamic?q=Verified");
  await expect(marketer.getByRole("link", { name: "Verified key accounts" })).toBeVisible();
  expect((await marketer.goto(segmentPath))?.status()).toBe(200);
  await expect(marketer.getByRole("heading", { name: "Verified key accounts" })).toBeVisible();

  // The lead removes the marketer again; the marketer's next request is a 404.
  await wholesale.getByRole("button", { name: `Remove ${personas.marketer.name} from Wholesale team` }).click();
  await expect(wholesale.getByRole("cell", { name: personas.marketer.name, exact: true })).toHaveCount(0);
  expect((await marketer.goto(segmentPath))?.status()).toBe(404);
  await marketer.goto("/segments/dynamic?q=Verified");
  await expect(marketer.getByRole("link", { name: "Verified key accounts" })).toHaveCount(0);

  await lead.context().close();
  await marketer.context().close();
});

test("a marketer sees their own groups but cannot manage members or users", async ({ browser }) => {
  const marketer = await pageAs(browser, "marketer");
  await marketer.goto("/settings/access-groups");
  const retail = marketer.getByRole("region", { name: "Retail team" });
  await expect(retail.getByText("You are a member")).toBeVisible();
  await expect(retail.getByRole("button", { name: "Add member" })).toHaveCount(0);
  await expect(marketer.getByRole("region", { name: "Wholesale team" })).toHaveCount(0);
  const answer = await marketer.goto("/settings/users");
  expect(answer?.status()).toBe(403);
  await expect(marketer.getByRole("heading", { name: "Not available for your role" })).toBeVisible();
  await expect(marketer.getByRole("button", { name: "Create user" })).toHaveCount(0);
  await marketer.context().close();
});

test("an admin creates a user who can sign in, and deactivating them ends their next request", async ({ browser }) => {
  const admin = await pageAs(browser, "admin");
  await admin.goto("/settings/users");
  await admin.getByLabel("Name", { exact: true }).fill("Erin Example");
  await admin.getByLabel("Email", { exact: true }).fill("erin@example.com");
  await admin.getByLabel("Role", { exact: true }).selectOption({ label: "Marketer" });
  await admin.getByLabel("First password").fill("first-pass-123");
  await admin.getByRole("button", { name: "Create user" }).click();
  await expect(admin.getByRole("cell", { name: "erin@example.com" })).toBeVisible();
  await screenshot(admin, "settings-users");

  const erinContext = await browser.newContext();
  const erin = await erinContext.newPage();
  await erin.goto("/login");
  await erin.getByLabel("Email").fill("erin@example.com");
  await erin.getByLabel("Password").fill("first-pass-123");
  await erin.getByRole("button", { name: "Sign in" }).click();
  await expect(erin).toHaveURL(/\/segments\/dynamic/);

  const row = admin.getByRole("row", { name: /Erin Example/ });
  await row.getByRole("button", { name: "Deactivate Erin Example" }).click();
  await expect(row.getByText("Deactivated")).toBeVisible();
  await erin.goto("/databases");
  await expect(erin).toHaveURL(/\/login/);

  await erinContext.close();
  await admin.context().close();
});

test("a token created in the UI works with a real HTTP request, and stops working once revoked", async ({ browser, playwright, baseURL }) => {
  const marketer = await pageAs(browser, "marketer");
  await marketer.goto("/settings/api-tokens");
  await marketer.getByLabel("Token name").fill("E2E integration");
  await marketer.getByRole("button", { name: "Create token" }).click();
  const token = (await marketer.getByLabel("New API token").textContent())?.trim() ?? "";
  expect(token).toMatch(/^ds_[A-Za-z0-9_-]{43}$/);
  await screenshot(marketer, "settings-api-tokens");

  // A fresh HTTP client with no cookies: only the bearer token identifies the caller.
  const api = await playwright.request.newContext({ baseURL });
  const res = await api.get("/api/v1/segments?page_size=100", { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status()).toBe(200);
  const names = ((await res.json()) as { data: { name: string }[] }).data.map((s) => s.name);
  expect(names).toContain("Berlin VIPs");
  expect(names).not.toContain("Verified key accounts");
  expect((await api.get("/api/v1/segments")).status()).toBe(401);

  await marketer.reload();
  const row = marketer.getByRole("row", { name: /E2E integration/ });
  await expect(row).not.toContainText("Never");
  await row.getByRole("button", { name: "Revoke E2E integration" }).click();
  await marketer.getByRole("button", { name: "Revoke token" }).click();
  await expect(row).toContainText("Revoked");
  const revoked = await api.get("/api/v1/segments", { headers: { Authorization: `Bearer ${token}` } });
  expect(revoked.status()).toBe(401);
  expect(((await revoked.json()) as { error: { code: string } }).error.code).toBe("unauthorized");

  await api.dispose();
  await marketer.context().close();
});
