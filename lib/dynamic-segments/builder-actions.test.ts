import { count, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { dynamicSegments } from "@/db/schema";
import { selectionWork } from "@/lib/segments/selection";
import { makeDatabase, makeUser } from "@/db/testing/fixtures";
import { saveSegmentAction, saveSegmentValuesAction } from "./builder-actions";
import { formErrorsOf, type BuilderFormValues } from "./segment-schema";

// Sessions are the only thing faked: the acting user is read from the database as in production.
const session = vi.hoisted(() => ({ userId: null as number | null }));
vi.mock("@/lib/auth/session", async () => {
  const { getDb: db } = await import("@/db/client");
  const { loadActingUser: load } = await import("@/lib/access/acting-user");
  return { currentUser: async () => (session.userId === null ? null : load(await db(), session.userId)) };
});
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));
vi.mock("next/navigation", () => ({
  redirect: (url: string) => {
    throw Object.assign(new Error("NEXT_REDIRECT"), { digest: `NEXT_REDIRECT;replace;${url};307;` });
  },
}));

let databaseId: number;

beforeAll(async () => {
  session.userId = (await makeUser("marketer")).id;
  databaseId = (await makeDatabase({ fields: [{ key: "city", type: "string" }] })).id;
});

const values = (over: Partial<BuilderFormValues> = {}): BuilderFormValues => ({
  id: "",
  name: "Berliners",
  databaseId: String(databaseId),
  rangeFrom: "0",
  rangeTo: "100",
  limitEnabled: false,
  limit: "",
  script: JSON.stringify({ groups: [{ conditions: [{ kind: "field", field: "city", op: "eq", value: "Berlin" }] }] }),
  description: "",
  tags: "",
  accessGroupIds: [],
  ...over,
});

function formData(v: BuilderFormValues): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(v)) {
    if (key === "limitEnabled") {
      if (value) form.set(key, "on");
    } else if (Array.isArray(value)) value.forEach((item) => form.append(key, item));
    else form.set(key, String(value));
  }
  return form;
}

const segmentsNamed = async (name: string) => (await (await getDb()).select({ n: count() }).from(dynamicSegments).where(eq(dynamicSegments.name, name)))[0].n;

describe("saving a segment", () => {
  it("without JavaScript, a failed save answers every field as posted and each issue at its path, and saves nothing", async () => {
    const posted = values({ name: "Typo city", rangeFrom: "30", rangeTo: "20", script: JSON.stringify({ groups: [{ conditions: [{ kind: "field", field: "town", op: "eq", value: "x" }] }] }) });
    const result = await saveSegmentAction(null, formData(posted));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.values).toEqual(posted);
    const shown = formErrorsOf(result);
    expect(shown.message).toBe("The segment was not saved. Fix the fields marked below.");
    expect(shown.fieldErrors.rangeTo).toBe("Range to must be greater than Range from.");
    expect(await segmentsNamed("Typo city")).toBe(0);
  });

  it("puts a condition the source cannot evaluate on that condition, Script-relative", async () => {
    const result = await saveSegmentValuesAction(values({ name: "Unknown field", script: JSON.stringify({ groups: [{ conditions: [{ kind: "field", field: "town", op: "eq", value: "x" }] }] }) }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues?.some((i) => i.path.startsWith("conditions.groups[0].conditions[0]"))).toBe(true);
    const shown = formErrorsOf(result);
    expect(shown.conditionIssues.map((i) => i.path)).toContain("groups[0].conditions[0].field");
    expect(shown.fieldErrors.script).toMatch(/^Group 1, condition 1: /);
    expect(await segmentsNamed("Unknown field")).toBe(0);
  });

  it("saves valid values once and opens the new segment", async () => {
    await expect(saveSegmentValuesAction(values({ name: "Saved Berliners" }))).rejects.toMatchObject({ digest: expect.stringMatching(/^NEXT_REDIRECT;replace;\/segments\/dynamic\/\d+/) });
    expect(await segmentsNamed("Saved Berliners")).toBe(1);
  });

  it("a save parses its values once at the edge and prepares the selection once, through the first count and the version", async () => {
    const before = { ...selectionWork };
    await expect(saveSegmentValuesAction(values({ name: "Prepared once" }))).rejects.toMatchObject({ digest: expect.stringMatching(/^NEXT_REDIRECT/) });
    expect({ parses: selectionWork.parses - before.parses, preparations: selectionWork.preparations - before.preparations }).toEqual({ parses: 0, preparations: 1 });
    const [saved] = await (await getDb()).select({ id: dynamicSegments.id, count: dynamicSegments.lastCount }).from(dynamicSegments).where(eq(dynamicSegments.name, "Prepared once"));
    const again = { ...selectionWork };
    await expect(saveSegmentValuesAction(values({ id: String(saved.id), name: "Prepared once", rangeTo: "50" }))).rejects.toMatchObject({ digest: expect.stringMatching(/^NEXT_REDIRECT/) });
    expect({ parses: selectionWork.parses - again.parses, preparations: selectionWork.preparations - again.preparations }).toEqual({ parses: 0, preparations: 1 });
  });

  it("answers a tampered segment id as not found", async () => {
    expect(await saveSegmentValuesAction(values({ id: "12abc" }))).toMatchObject({ ok: false, code: "not_found" });
  });

  it("refuses a signed-out save before reading the form", async () => {
    const signedIn = session.userId;
    session.userId = null;
    try {
      expect(await saveSegmentAction(null, formData(values({ name: "" })))).toMatchObject({ ok: false, code: "unauthorized", values: { name: "" } });
    } finally {
      session.userId = signedIn;
    }
  });
});
