import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { getDb } from "@/db/client";
import { users } from "@/db/schema";
import { makeUser } from "@/db/testing/fixtures";
import { AppError } from "@/lib/errors";
import { defineAction, defineFormAction, definePublicFormAction } from "./define-action";

/** Only the session is faked: the acting user is read from the database as in production. */
const session = vi.hoisted(() => ({ userId: null as number | null }));
vi.mock("@/lib/auth/session", async () => {
  const { getDb: db } = await import("@/db/client");
  const { loadActingUser } = await import("@/lib/access/acting-user");
  return { currentUser: async () => (session.userId === null ? null : loadActingUser(await db(), session.userId)) };
});

let adminId: number, marketerId: number, deactivatedId: number;

beforeAll(async () => {
  adminId = (await makeUser("admin")).id;
  marketerId = (await makeUser("marketer")).id;
  deactivatedId = (await makeUser("marketer")).id;
  await (await getDb()).update(users).set({ active: false }).where(eq(users.id, deactivatedId));
});

const seen: { input: unknown; userId: number }[] = [];
const rename = defineAction({
  key: "users.update",
  input: z.strictObject({ id: z.int().positive(), name: z.string().trim().min(1, "Enter a name.") }),
  handler: async (input, { user }) => {
    seen.push({ input, userId: user.id });
    return { renamed: input.name };
  },
  message: (data) => `Renamed to ${data.renamed}.`,
});

describe("defineAction", () => {
  it("carries its permission-table key on the action itself", () => {
    expect(rename.policyKeys).toEqual(["users.update"]);
  });

  it("checks the role for every key of an action that stands for several", async () => {
    const both = defineAction({ key: ["segments.create", "users.update"], input: z.null(), handler: async () => "done" });
    expect(both.policyKeys).toEqual(["segments.create", "users.update"]);
    session.userId = marketerId;
    expect(await both(null)).toMatchObject({ ok: false, code: "forbidden" });
    session.userId = adminId;
    expect(await both(null)).toEqual({ ok: true, data: "done" });
  });

  it("hands the handler the parsed input and the acting user, and words the success", async () => {
    session.userId = adminId;
    seen.length = 0;
    const result = await rename({ id: 3, name: "  Ada " });
    expect(result).toEqual({ ok: true, data: { renamed: "Ada" }, message: "Renamed to Ada." });
    expect(seen).toEqual([{ input: { id: 3, name: "Ada" }, userId: adminId }]);
  });

  it("refuses by role before it reads the input (a bad input from a marketer is still a 403)", async () => {
    session.userId = marketerId;
    seen.length = 0;
    const result = await rename({ id: -1, name: "" });
    expect(result).toMatchObject({ ok: false, code: "forbidden", message: "Only admins can do this." });
    expect(seen).toEqual([]);
  });

  it("answers unauthorized when signed out or deactivated", async () => {
    for (const id of [null, deactivatedId]) {
      session.userId = id;
      expect(await rename({ id: 1, name: "x" })).toMatchObject({ ok: false, code: "unauthorized" });
    }
  });

  it("refuses bad input with every issue at its path, without running the handler", async () => {
    session.userId = adminId;
    seen.length = 0;
    const result = await rename({ id: 0, name: " " });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe("validation_failed");
    expect(result.issues?.map((i) => i.path).sort()).toEqual(["id", "name"]);
    expect(result.fieldErrors?.name).toBe("Enter a name.");
    expect(seen).toEqual([]);
  });

  it("keeps a known error's code and message, and answers anything else without details", async () => {
    session.userId = adminId;
    const conflict = defineAction({ key: "users.update", input: z.null(), handler: async () => Promise.reject(new AppError("conflict", "Taken.")) });
    expect(await conflict(null)).toEqual({ ok: false, code: "conflict", message: "Taken.", issues: undefined, fieldErrors: undefined });
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const broken = defineAction({ key: "users.update", input: z.null(), handler: async () => Promise.reject(new Error("select * from secrets")) });
    const result = await broken(null);
    spy.mockRestore();
    expect(result).toMatchObject({ ok: false, code: "internal" });
    expect(JSON.stringify(result)).not.toContain("secrets");
  });

  it("lets redirect() through", async () => {
    session.userId = adminId;
    const redirecting = defineAction({
      key: "users.update",
      input: z.null(),
      handler: async () => Promise.reject(Object.assign(new Error("NEXT_REDIRECT"), { digest: "NEXT_REDIRECT;replace;/x;307;" })),
    });
    await expect(redirecting(null)).rejects.toThrow("NEXT_REDIRECT");
  });
});

describe("defineFormAction", () => {
  const create = defineFormAction({
    key: "users.create",
    read: (form) => ({ name: String(form.get("name") ?? ""), password: String(form.get("password") ?? "") }),
    keep: (form) => ({ name: String(form.get("name") ?? "") }),
    input: z.object({ name: z.string().min(3, "Use at least 3 characters."), password: z.string() }),
    handler: async (input) => ({ created: input.name }),
  });

  const form = (name: string) => {
    const data = new FormData();
    data.set("name", name);
    data.set("password", "secret words");
    return data;
  };

  it("echoes what was posted on failure, so a form without JavaScript keeps every field", async () => {
    session.userId = adminId;
    const result = await create(null, form("ab"));
    expect(result).toMatchObject({ ok: false, code: "validation_failed", values: { name: "ab" }, fieldErrors: { name: "Use at least 3 characters." } });
    expect(JSON.stringify(result), "only what `keep` returns goes back").not.toContain("secret words");
  });

  it("answers the handler's data on success, without the posted values", async () => {
    session.userId = adminId;
    expect(await create(null, form("Ada"))).toEqual({ ok: true, data: { created: "Ada" } });
  });

  it("refuses by role with the posted values kept", async () => {
    session.userId = marketerId;
    expect(await create(null, form("Ada"))).toMatchObject({ ok: false, code: "forbidden", values: { name: "Ada" } });
  });
});

describe("definePublicFormAction", () => {
  it("runs without a session (sign-in) and still parses its input", async () => {
    session.userId = null;
    const open = definePublicFormAction({
      key: "session.signIn",
      read: (form) => ({ email: String(form.get("email") ?? "") }),
      keep: (form) => ({ email: String(form.get("email") ?? "") }),
      input: z.object({ email: z.email("Enter an email address.") }),
      handler: async (input) => input.email,
    });
    expect(open.policyKeys).toEqual(["session.signIn"]);
    const good = new FormData();
    good.set("email", "a@example.test");
    expect(await open(null, good)).toEqual({ ok: true, data: "a@example.test" });
    expect(await open(null, new FormData())).toMatchObject({ ok: false, code: "validation_failed", values: { email: "" } });
  });
});
