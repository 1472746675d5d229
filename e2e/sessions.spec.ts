import http from "node:http";
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { storageState } from "./personas";
import { screenshot } from "./screenshots";

/**
 * Sessions that end (the old cookie is refused after sign-out, a password reset, an admin's
 * "Sign out everywhere" and "Sign out everywhere else"), client addresses taken from the socket,
 * and the security headers — all against the production server (scripts/serve.ts).
 */

const password = "session-pass-123";
let counter = 0;

/** A user of this spec's own, so ending their sessions never touches the stored logins. */
async function createUser(browser: Browser): Promise<{ name: string; email: string }> {
  const tag = `${Date.now().toString(36)}${++counter}`;
  const user = { name: `Sam Session ${tag}`, email: `sam.${tag}@example.com` };
  const context = await browser.newContext({ storageState: storageState("admin") });
  const admin = await context.newPage();
  await admin.goto("/settings/users");
  await admin.getByLabel("Name", { exact: true }).fill(user.name);
  await admin.getByLabel("Email", { exact: true }).fill(user.email);
  await admin.getByLabel("First password").fill(password);
  await admin.getByRole("button", { name: "Create user" }).click();
  await expect(admin.getByRole("cell", { name: user.email })).toBeVisible();
  await context.close();
  return user;
}

async function signIn(browser: Browser, email: string, pass = password): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(pass);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/segments\/dynamic/);
  return page;
}

/** A fresh browser holding nothing but the cookies someone kept. */
async function replay(browser: Browser, cookies: Awaited<ReturnType<BrowserContext["cookies"]>>): Promise<Page> {
  const context = await browser.newContext();
  await context.addCookies(cookies);
  return context.newPage();
}

async function expectSignedOut(page: Page) {
  await page.goto("/segments/dynamic");
  await expect(page).toHaveURL(/\/login/);
  const session = await page.request.get("/api/auth/session");
  expect(session.ok()).toBe(true);
  expect(((await session.json()) as { user?: unknown } | null)?.user).toBeUndefined();
}

test("after Sign out, the kept cookie opens no page, runs no action and gets no session", async ({ browser }) => {
  const user = await createUser(browser);
  const page = await signIn(browser, user.email);
  await page.goto("/settings/sessions");
  await expect(page.getByRole("cell", { name: /This session/ })).toBeVisible();

  // Record a real server action request while the session is alive, to send it again later.
  const actionRequest = page.waitForRequest((r) => r.method() === "POST" && Boolean(r.headers()["next-action"]));
  await page.getByRole("button", { name: "Sign out everywhere else" }).click();
  await expect(page.getByRole("status").filter({ hasText: "No other session was open." })).toBeVisible();
  const recorded = await actionRequest;
  const kept = await page.context().cookies();
  expect(kept.some((c) => c.name.includes("session-token"))).toBe(true);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);

  const thief = await replay(browser, kept);
  await expectSignedOut(thief);
  const replayed = await thief.request.post(recorded.url(), {
    headers: { ...recorded.headers(), cookie: kept.map((c) => `${c.name}=${c.value}`).join("; ") },
    data: recorded.postDataBuffer() ?? undefined,
    maxRedirects: 0,
  });
  const answer = await replayed.text();
  expect(answer).toContain("Your session has ended. Sign in again.");
  expect(answer).not.toContain("No other session was open.");
  await thief.context().close();
  await page.context().close();
});

test("POST /api/auth/signout ends the session too", async ({ browser }) => {
  const user = await createUser(browser);
  const page = await signIn(browser, user.email);
  const kept = await page.context().cookies();
  const { csrfToken } = (await (await page.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const out = await page.request.post("/api/auth/signout", { form: { csrfToken }, maxRedirects: 0 });
  expect([200, 302]).toContain(out.status());
  const thief = await replay(browser, kept);
  await expectSignedOut(thief);
  await thief.context().close();
  await page.context().close();
});

test("an admin's password reset and Sign out everywhere end the user's sessions", async ({ browser }) => {
  const user = await createUser(browser);
  const victim = await signIn(browser, user.email);
  const kept = await victim.context().cookies();

  const adminContext = await browser.newContext({ storageState: storageState("admin") });
  const admin = await adminContext.newPage();
  await admin.goto("/settings/users");
  const row = admin.getByRole("row", { name: new RegExp(user.name) });
  await row.getByRole("button", { name: `Set a new password for ${user.name}` }).click();
  await admin.getByLabel("New password").fill("a-fresh-pass-456");
  await admin.getByRole("button", { name: "Save password" }).click();
  await expect(admin.getByRole("dialog")).toHaveCount(0);

  await expectSignedOut(victim);
  const thief = await replay(browser, kept);
  await expectSignedOut(thief);
  await thief.context().close();

  // Signed in again with the new password; the admin signs them out everywhere.
  const again = await signIn(browser, user.email, "a-fresh-pass-456");
  await row.getByRole("button", { name: `Sign out everywhere ${user.name}` }).click();
  await expect(row.getByRole("status")).toHaveText(`Signed ${user.name} out of 1 session.`);
  await expectSignedOut(again);
  await again.context().close();
  await victim.context().close();
  await adminContext.close();
});

test("Sign out everywhere else keeps this session and ends the others", async ({ browser }) => {
  const user = await createUser(browser);
  const laptop = await signIn(browser, user.email);
  const phone = await signIn(browser, user.email);
  await phone.goto("/settings/sessions");
  await expect(phone.getByRole("heading", { name: "Sessions", level: 1 })).toBeVisible();
  const rows = phone.getByRole("table", { name: "Your open sessions" }).getByRole("row");
  await expect(rows).toHaveCount(3); // header + two sessions
  await expect(phone.getByText("This session")).toHaveCount(1);
  await expect(phone.getByRole("cell", { name: "127.0.0.1" }).first()).toBeVisible();
  await expect(phone.getByText("1 other session open.")).toBeVisible();
  await screenshot(phone, "settings-sessions");
  await phone.setViewportSize({ width: 390, height: 844 });
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await screenshot(phone, "settings-sessions-390");
  await phone.setViewportSize({ width: 1440, height: 900 });

  await phone.getByRole("button", { name: "Sign out everywhere else" }).click();
  await expect(phone.getByRole("status").filter({ hasText: "Signed out 1 other session." })).toBeVisible();
  await expectSignedOut(laptop);
  await phone.reload();
  await expect(rows).toHaveCount(2);
  await expect(phone.getByText("This session")).toBeVisible();
  await laptop.context().close();
  await phone.context().close();
});

// ---------------------------------------------------------------------------------------------
// Client addresses: every request below comes over a real socket from a chosen loopback address.

type RawAnswer = { status: number; headers: http.IncomingHttpHeaders; body: string };

function raw(baseURL: string, path: string, opts: { from: string; method?: string; headers?: Record<string, string>; body?: string }): Promise<RawAnswer> {
  const url = new URL(path, baseURL);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: opts.method ?? "GET", headers: opts.headers, localAddress: opts.from },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** One sign-in through Auth.js's own endpoint; true when it issued a session cookie. */
async function signInOverHttp(baseURL: string, from: string, email: string, pass: string, spoofed?: string): Promise<boolean> {
  const spoof: Record<string, string> = spoofed ? { "X-Forwarded-For": spoofed } : {};
  const csrf = await raw(baseURL, "/api/auth/csrf", { from, headers: spoof });
  const cookie = (csrf.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).join("; ");
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const answer = await raw(baseURL, "/api/auth/callback/credentials", {
    from,
    method: "POST",
    headers: { ...spoof, cookie, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password: pass, csrfToken, callbackUrl: "/segments/dynamic" }).toString(),
  });
  return (answer.headers["set-cookie"] ?? []).some((c) => /authjs\.session-token=[^;]/.test(c));
}

test("a rotated X-Forwarded-For neither escapes the per-address sign-in limit nor locks out the address it names", async ({ browser, baseURL }) => {
  const user = await createUser(browser);
  const attacker = "127.0.0.5";
  const bystander = "127.0.0.6";
  expect(await signInOverHttp(baseURL!, attacker, user.email, password, "10.1.1.1")).toBe(true);
  for (let i = 0; i < 20; i++) {
    // Distinct accounts, so only the address limit (20 in 15 minutes) can trip; a new made-up address each time.
    expect(await signInOverHttp(baseURL!, attacker, `nobody${i}@example.com`, "wrong", `10.9.${i}.9, ${bystander}`)).toBe(false);
  }
  // The attacker's socket address is locked out even with the right password and yet another header…
  expect(await signInOverHttp(baseURL!, attacker, user.email, password, "10.8.8.8")).toBe(false);
  // …and the address it kept naming can still sign in.
  expect(await signInOverHttp(baseURL!, bystander, user.email, password)).toBe(true);
});

test("bad API tokens are counted per socket address, whatever X-Forwarded-For says", async ({ baseURL }) => {
  const attacker = "127.0.0.7";
  const bystander = "127.0.0.8";
  const bad = (from: string, spoofed?: string) =>
    raw(baseURL!, "/api/v1/databases", { from, headers: { Authorization: "Bearer ds_not-a-real-token", ...(spoofed ? { "X-Forwarded-For": spoofed } : {}) } });
  for (let i = 0; i < 20; i++) expect((await bad(attacker, `10.6.${i}.1, ${bystander}`)).status).toBe(401);
  const locked = await bad(attacker, "10.6.99.1");
  expect(locked.status).toBe(429);
  expect(locked.headers["retry-after"]).toMatch(/^\d+$/);
  expect((await bad(bystander)).status).toBe(401);
});

test("behind a proxy named in TRUSTED_PROXIES, its X-Forwarded-For and X-Forwarded-Proto are believed", async ({ baseURL }) => {
  // playwright.config.ts starts the server with TRUSTED_PROXIES=127.0.0.9.
  const proxy = "127.0.0.9";
  const viaProxy = (client: string) =>
    raw(baseURL!, "/api/v1/databases", { from: proxy, headers: { Authorization: "Bearer ds_not-a-real-token", "X-Forwarded-For": `6.6.6.6, ${client}`, "X-Forwarded-Proto": "https" } });
  for (let i = 0; i < 20; i++) expect((await viaProxy("198.51.100.20")).status).toBe(401);
  expect((await viaProxy("198.51.100.20")).status).toBe(429); // that client, as the proxy reported it
  const other = await viaProxy("198.51.100.21");
  expect(other.status).toBe(401); // another client behind the same proxy
  expect(other.headers["strict-transport-security"]).toMatch(/max-age=\d+/);
  // The same header from anyone else is not believed: no HSTS over plain http.
  const direct = await raw(baseURL!, "/login", { from: "127.0.0.10", headers: { "X-Forwarded-Proto": "https" } });
  expect(direct.headers["strict-transport-security"]).toBeUndefined();
  expect(direct.headers["content-security-policy"]).not.toContain("upgrade-insecure-requests");
});

// ---------------------------------------------------------------------------------------------

test("pages and API answers carry the security headers, and pages still run under the CSP", async ({ browser, baseURL }) => {
  const violations: string[] = [];
  const context = await browser.newContext({ storageState: storageState("marketer") });
  const page = await context.newPage();
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  const answer = await page.goto("/segments/dynamic");
  const headers = answer!.headers();
  const csp = headers["content-security-policy"];
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  expect(nonce).toBeTruthy();
  expect(csp).toContain("'strict-dynamic'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).not.toContain("unsafe-eval");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["permissions-policy"]).toContain("camera=()");
  expect(headers["strict-transport-security"]).toBeUndefined(); // plain http here
  // Next.js put this request's nonce on its scripts, and the page hydrated (a client-side navigation works).
  const html = await answer!.text();
  expect(html).toContain(`nonce="${nonce}"`);
  const second = await (await page.request.get("/segments/dynamic")).headersArray();
  expect(second.find((h) => h.name.toLowerCase() === "content-security-policy")?.value).not.toContain(`'nonce-${nonce}'`);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sessions" }).click();
  await expect(page.getByRole("heading", { name: "Sessions", level: 1 })).toBeVisible();
  // A page with charts (Recharts) renders under the policy.
  await page.goto(`/segments/dynamic?q=${encodeURIComponent("Newsletter test group")}`);
  await page.getByRole("link", { name: "Newsletter test group", exact: true }).click();
  await page.getByRole("link", { name: "Analytics", exact: true }).click();
  await expect(page).toHaveURL(/\/segments\/dynamic\/\d+\/analytics$/);
  await expect(page.getByRole("region", { name: "Size over time", exact: true }).getByRole("application").first()).toBeVisible();
  expect(violations).toEqual([]);
  await context.close();

  const api = await raw(baseURL!, "/api/v1/databases", { from: "127.0.0.1" });
  expect(api.status).toBe(401);
  expect(api.headers["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
  expect(api.headers["x-content-type-options"]).toBe("nosniff");
  expect(api.headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(api.headers["permissions-policy"]).toContain("camera=()");
  const login = await raw(baseURL!, "/login", { from: "127.0.0.1" });
  expect(login.headers["content-security-policy"]).toMatch(/'nonce-[^']+'/);
  expect(login.headers["x-frame-options"]).toBe("DENY");
});
