import { expect, test, type Locator, type Page } from "@playwright/test";
import { storageState } from "./personas";
import { screenshot } from "./screenshots";

test.use({ storageState: storageState("marketer") });

const berlin = { logic: "and", groups: [{ logic: "and", not: false, conditions: [{ kind: "field", field: "city", op: "eq", value: "Berlin" }] }] };
const notBerlin = { logic: "and", groups: [{ logic: "and", not: false, conditions: [{ kind: "field", field: "city", op: "neq", value: "Berlin" }] }] };

/** A block of the builder is its titled region. */
const block = (page: Page, title: string) => page.getByRole("region", { name: title, exact: true });

/** A screenshot of one block for docs/screenshots (UPDATE_SCREENSHOTS=1), as e2e/screenshots.ts does for pages. */
function blockShot(locator: Locator, name: string) {
  const folder = process.env.UPDATE_SCREENSHOTS === "1" ? "docs/screenshots" : "test-results/screenshots";
  return locator.screenshot({ path: `${folder}/${name}.png` });
}

async function chooseSource(page: Page, name: string) {
  await page.getByRole("button", { name: "Select source" }).click();
  const panel = page.getByRole("dialog", { name: "Select source" });
  await panel.getByRole("button", { name: new RegExp(name) }).click();
  await expect(panel).toBeHidden();
}

async function setScript(page: Page, script: unknown) {
  await page.getByRole("button", { name: "Script", exact: true }).click();
  await page.getByLabel("Script JSON").fill(JSON.stringify(script));
  await page.getByRole("button", { name: "Apply script" }).click();
  await expect(page.getByRole("dialog", { name: "Script" })).toBeHidden();
}

async function setRange(page: Page, from: string, to: string) {
  await page.getByLabel("Range from").fill(from);
  await page.getByLabel("Range to").fill(to);
}

/** Show, then the id and email of the rows asked for (0-based), and close the list. */
async function shownRows(page: Page, rows: number[]): Promise<{ id: string; email: string }[]> {
  await page.getByRole("button", { name: "Show", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: /profiles of the selection/ });
  await expect(dialog.getByRole("row").nth(1)).toBeVisible();
  const out = [];
  for (const n of rows) {
    const cells = dialog.getByRole("row").nth(n + 1).getByRole("cell");
    out.push({ id: (await cells.nth(0).textContent())!.trim(), email: (await cells.nth(1).textContent())!.trim() });
  }
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  return out;
}

async function explain(page: Page, profile: string): Promise<Locator> {
  const region = block(page, "Why is this profile in or out?");
  await region.getByLabel("Profile", { exact: true }).fill(profile);
  await region.getByRole("button", { name: "Explain", exact: true }).click();
  return region;
}

test("explain a member, and profiles excluded by a condition, by the range and by the limit — by id, by email and from a Show row", async ({ page }) => {
  test.slow(); // a dozen Show and Explain round trips
  await page.goto("/segments/dynamic/new");
  await page.getByLabel("Name", { exact: true }).fill("E2E explained Berliners");
  await chooseSource(page, "Retail customers");

  // Find the profiles with the app itself: Berliners past the 5th, outside 0–50 %, and a non-Berliner.
  await setScript(page, berlin);
  await setRange(page, "0", "50");
  const [, , , , , , seventh] = await shownRows(page, [0, 1, 2, 3, 4, 5, 6]);
  await setRange(page, "50", "100");
  const [outsideRange] = await shownRows(page, [0]);
  await setRange(page, "0", "50");
  await setScript(page, notBerlin);
  const [elsewhere] = await shownRows(page, [0]);
  expect(elsewhere.email).toMatch(/@/);
  await setScript(page, berlin);
  await page.getByLabel("Set a limit on the maximum in the segment").check();
  await page.getByLabel("Limit", { exact: true }).fill("5");

  // From a Show row: the first member.
  await page.getByRole("button", { name: "Show", exact: true }).click();
  const list = page.getByRole("dialog", { name: /profiles of the selection/ });
  const firstId = (await list.getByRole("row").nth(1).getByRole("cell").first().textContent())!.trim();
  await list.getByRole("button", { name: `Explain profile ${firstId}` }).click();
  await expect(list).toBeHidden();
  const region = block(page, "Why is this profile in or out?");
  await expect(region.getByLabel("Profile", { exact: true })).toHaveValue(firstId);
  await expect(region.getByRole("status")).toHaveText(/In\s*In: matches group 1 and is 1st of 5 under the limit\./);
  await expect(region.getByText(/^Range key [\d,]+ · inside when 0 ≤ key < 2,147,483,648 · inside$/)).toBeVisible();
  await expect(region.getByText("found city is “Berlin”")).toBeVisible();
  await blockShot(region, "explain");

  // By id: the 7th Berliner is out only because of the limit.
  await explain(page, seventh.id);
  await expect(region.getByRole("status")).toContainText("Out: matches group 1, but is 7th in id order, beyond the limit of 5.");
  // By id: a Berliner outside the range.
  await explain(page, outsideRange.id);
  await expect(region.getByRole("status")).toContainText(/Out: the range key [\d]+ is outside the range 0–50 %/);
  // By email: a profile that lives elsewhere is out by the condition, which names what it found.
  await explain(page, elsewhere.email.toUpperCase());
  await expect(region.getByRole("status")).toContainText(/Out: 'City is “Berlin”' found city is (empty|“[^”]*”)\./i);
  await expect(region.getByText(`Profile ${elsewhere.id}`)).toBeVisible();
  // Unknown profiles are named as such; Enter explains instead of saving the form.
  await region.getByLabel("Profile", { exact: true }).fill("nobody@nowhere.example");
  await region.getByLabel("Profile", { exact: true }).press("Enter");
  await expect(region.getByRole("alert")).toContainText("The profile was not found.");
  await expect(page).toHaveURL(/\/segments\/dynamic\/new$/);

  // Saved, the segment page explains the saved segment the same way.
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/segments\/dynamic\/\d+$/);
  await expect(page.getByRole("heading", { name: "Why is this profile in or out?" })).toBeVisible();
  await explain(page, seventh.id);
  await expect(block(page, "Why is this profile in or out?").getByRole("status")).toContainText("beyond the limit of 5");
});

test("the funnel of a two-group rule ends at Calculate; both blocks wrap on a phone screen", async ({ page }) => {
  await page.goto("/segments/dynamic/new");
  await page.getByLabel("Name", { exact: true }).fill("E2E funnel");
  await chooseSource(page, "Retail customers");
  await setRange(page, "0", "60");
  await setScript(page, {
    logic: "or",
    groups: [
      { logic: "and", not: false, conditions: [{ kind: "field", field: "city", op: "eq", value: "Berlin" }, { kind: "subscription", channel: "email", status: "subscribed" }] },
      { logic: "or", not: false, conditions: [{ kind: "interaction", type: "opened", period: { last_days: 30 } }, { kind: "field", field: "vip", op: "is_true" }] },
    ],
  });
  await page.getByRole("button", { name: "Calculate", exact: true }).click();
  // The count of this rule: until Calculate answers, the block may still show (struck out) the count of
  // the rule before the Script was set.
  await expect(page.getByRole("region", { name: "Profile calculation" }).getByText(/^Calculated /)).toBeVisible();
  await expect(page.getByLabel("Profile count")).toHaveText(/^\d[\d,]*$/);
  const calculated = await page.getByLabel("Profile count").textContent();

  const funnel = block(page, "Condition funnel");
  await funnel.getByRole("button", { name: "Show funnel" }).click();
  const steps = funnel.getByRole("list", { name: "Funnel steps" }).getByRole("listitem");
  await expect(steps).toHaveCount(9); // database, range, 2 conditions + pass, 2 conditions + pass, combined
  await expect(steps.first()).toContainText("Profiles in the database");
  await expect(steps.nth(1)).toContainText("Inside the range 0–60 %");
  await expect(steps.nth(4)).toContainText("Group 1 passes");
  await expect(steps.last()).toContainText("All groups combined (or)");
  await expect(funnel.getByLabel("Funnel count")).toHaveText(calculated!);
  await expect(steps.last()).toContainText(calculated!);
  await expect(funnel.locator('[aria-current="step"]')).toHaveCount(1);
  await expect(funnel.getByText(/^Removes the most: [\d,]+ profiles$/)).toBeVisible();
  await blockShot(funnel, "condition-funnel");

  // On a phone the blocks' content wraps inside them (the condition builder above has its own width).
  await page.setViewportSize({ width: 390, height: 844 });
  await explain(page, "1");
  await expect(block(page, "Why is this profile in or out?").getByRole("status").or(block(page, "Why is this profile in or out?").getByRole("alert"))).toBeVisible();
  for (const title of ["Why is this profile in or out?", "Condition funnel"]) {
    const inner = await block(page, title).evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(inner, title).toBeLessThanOrEqual(0);
  }
  await funnel.scrollIntoViewIfNeeded();
  await screenshot(page, "explain-funnel-mobile");
});

/** The page as it is now, at 1440 px and at 390 px (`<name>-390`), then back at 1440 px. */
async function phoneAndDesktopShots(page: Page, name: string) {
  await page.setViewportSize({ width: 1440, height: 900 });
  await screenshot(page, name);
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth), name).toBeLessThanOrEqual(390);
  await screenshot(page, `${name}-390`);
  await page.setViewportSize({ width: 1440, height: 900 });
}

test("a profile row of a static segment, a scenario and a database links to “Why is this profile in or out?”", async ({ page }) => {
  test.slow(); // three pages, each explained
  const region = block(page, "Why is this profile in or out?");

  // A static segment's member: the database's explain page lists the dynamic segments to explain it against.
  await page.goto("/segments/static");
  await page.getByRole("link", { name: "Store opening invitees (Berlin)" }).click();
  const memberLink = page.getByRole("link", { name: /^Why is profile \d+ in or out\?$/ }).first();
  const member = (await memberLink.getAttribute("aria-label"))!.match(/\d+/)![0];
  await phoneAndDesktopShots(page, "static-segment-members");
  await memberLink.click();
  await expect(page).toHaveURL(new RegExp(`/databases/\\d+/explain\\?profile=${member}$`));
  await expect(page.getByRole("heading", { level: 1, name: "Why is this profile in or out?" })).toBeVisible();
  await phoneAndDesktopShots(page, "explain-profile-segments");
  await page.getByRole("link", { name: `Explain profile ${member} in “Berlin VIPs”` }).click();
  await expect(page).toHaveURL(new RegExp(`/segments/dynamic/\\d+\\?explain=${member}`));
  await expect(region.getByLabel("Profile", { exact: true })).toHaveValue(member);
  await expect(region.getByText(`Profile ${member}`, { exact: true })).toBeVisible();
  // The invitees all live in Berlin: the explanation says so, in or out.
  await expect(region.getByText("found city is “Berlin”")).toBeVisible();

  // A scenario's participant: explained against the segment that feeds the scenario.
  await page.goto("/scenarios");
  await page.getByRole("link", { name: "Win-back lapsed buyers" }).click();
  const participantLink = page.getByRole("link", { name: /^Why is profile \d+ in or out\?$/ }).first();
  const participant = (await participantLink.getAttribute("aria-label"))!.match(/\d+/)![0];
  await participantLink.click();
  await expect(page.getByRole("heading", { level: 1, name: "Lapsed buyers" })).toBeVisible();
  await expect(region.getByText(`Profile ${participant}`, { exact: true })).toBeVisible();
  await expect(region.getByRole("status")).toHaveText(/^(In|Out)/);

  // A profile of the database's own table.
  await page.goto("/databases");
  await page.getByRole("link", { name: "Retail customers" }).click();
  const profileLink = page.getByRole("link", { name: /^Why is profile \d+ in or out\?$/ }).first();
  const profile = (await profileLink.getAttribute("aria-label"))!.match(/\d+/)![0];
  await profileLink.click();
  await expect(page.getByRole("list", { name: "Dynamic segments of this database" })).toContainText("Engaged openers");
  await page.getByRole("link", { name: `Explain profile ${profile} in “Berlin VIPs”` }).click();
  await expect(region.getByText(`Profile ${profile}`, { exact: true })).toBeVisible();
  await expect(region.getByRole("status")).toHaveText(/^(In|Out)/);
});

test("a database's explain page lists its dynamic segments 25 at a time by name, every one reachable through the pages", async ({ page, playwright, baseURL }) => {
  // Enough segments in Retail customers for a second page, made through the HTTP API and binned again at the end.
  await page.goto("/settings/api-tokens");
  await page.getByLabel("Token name").fill("E2E explain paging");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByLabel("New API token").textContent())!.trim();
  const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${token}` } });
  const databases = ((await (await api.get("/api/v1/databases")).json()) as { data: { id: number; name: string }[] }).data;
  const databaseId = databases.find((d) => d.name === "Retail customers")!.id;
  const before = ((await (await api.get(`/api/v1/segments?database_id=${databaseId}&page_size=1`)).json()) as { total: number }).total;
  const created: number[] = [];
  try {
    for (let i = 1; before + created.length <= 25; i++) {
      const res = await api.post("/api/v1/segments", {
        data: { name: `Zz explain paging ${String(i).padStart(2, "0")}`, database_id: databaseId, range: { from: 0, to: 100 }, conditions: null, limit: null, description: "", tags: [], access_groups: [] },
      });
      expect(res.status(), await res.text()).toBe(201);
      created.push(((await res.json()) as { id: number }).id);
    }
    const last = `Zz explain paging ${String(created.length).padStart(2, "0")}`;
    const total = before + created.length;

    await page.goto(`/databases/${databaseId}/explain?profile=1`);
    const list = page.getByRole("list", { name: "Dynamic segments of this database" });
    const pager = page.getByRole("navigation", { name: "Pages of segments" });
    await expect(list.getByRole("listitem")).toHaveCount(25);
    await expect(list).toContainText("Berlin VIPs");
    await expect(list).not.toContainText(last);
    await expect(pager).toContainText(`${total} segments · page 1 of 2`);
    await expect(pager.getByRole("link", { name: "Previous" })).toHaveCount(0);

    await pager.getByRole("link", { name: "Next" }).click();
    await expect(page).toHaveURL(new RegExp(`/databases/${databaseId}/explain\\?profile=1&page=2$`));
    await expect(list.getByRole("listitem")).toHaveCount(total - 25);
    await expect(list).toContainText(last);
    await expect(pager).toContainText("page 2 of 2");
    await expect(pager.getByRole("link", { name: "Next" })).toHaveCount(0);
    await page.getByRole("link", { name: `Explain profile 1 in “${last}”` }).click();
    await expect(page).toHaveURL(new RegExp(`/segments/dynamic/${created.at(-1)}\\?explain=1`));
    await expect(page.getByRole("heading", { level: 1, name: last })).toBeVisible();

    await page.goBack();
    await pager.getByRole("link", { name: "Previous" }).click();
    await expect(page).toHaveURL(new RegExp(`/databases/${databaseId}/explain\\?profile=1$`));
    await expect(list.getByRole("listitem")).toHaveCount(25);
  } finally {
    for (const id of created) expect((await api.delete(`/api/v1/segments/${id}`)).status()).toBeLessThan(300);
    await api.dispose();
  }
});

test("at 390 px a static segment member's “Why in or out?” link is in view without scrolling the table", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/segments/static");
  await page.getByRole("link", { name: "Store opening invitees (Berlin)" }).click();
  const link = page.getByRole("link", { name: /^Why is profile \d+ in or out\?$/ }).first();
  // Inside the phone's width where it is, without scrolling the table sideways (it sat past Email, Name and Added).
  const box = (await link.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await link.click();
  await expect(page.getByRole("heading", { level: 1, name: "Why is this profile in or out?" })).toBeVisible();
});
