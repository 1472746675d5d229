import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { events, profileChanges } from "@/db/schema";
import { addProfiles } from "@/lib/segments/testing/fixtures";
import { applyBulkEdit } from "./bulk-edit";
import { exportHistory } from "./export-history";
import { exportProfiles } from "./export-profiles";
import { actionLog, makeWorld, rejection } from "./testing";

const dir = mkdtempSync(path.join(os.tmpdir(), "segment-exports-"));
let n = 0;
const nextFile = (ext = "csv") => path.join(dir, `export-${++n}.${ext}`);

describe("Export profiles", () => {
  it("writes the whole selection in id order as RFC 4180 CSV with a header, formulas defused and numbers kept", async () => {
    const w = await makeWorld();
    const file = nextFile();
    const outcome = await exportProfiles(
      w.db,
      w.marketer,
      { source: { segmentId: w.berliners.id }, format: "csv", fields: ["id", "email", "city", "age", "note", "vip", "email_subscription"] },
      { file },
    );
    expect(readFileSync(file, "utf8")).toBe(
      [
        "id,email,city,age,note,vip,email_subscription",
        `${w.ids[0]},anna@example.com,Berlin,31,,true,subscribed`,
        `${w.ids[1]},ben@example.com,Berlin,45,,false,`,
        `${w.ids[3]},Dora@Example.com,Berlin,,'=SUM(A1:A2),,`,
        `${w.ids[5]},dora@example.com,Berlin,,'-5 apples,,`,
        "",
      ].join("\r\n"),
    );
    expect(outcome).toMatchObject({ count: 4, format: "csv", summary: "Exported 4 profiles as CSV" });
    expect(outcome.downloadName).toMatch(/^berliners-profiles-\d{4}-\d{2}-\d{2}\.csv$/);
    expect((await actionLog(w.berliners.id))[0]).toMatchObject({ kind: "action", count: 4, details: { action: "export_profiles" } });
  });

  it("quotes commas, quotes and line breaks, and exports every column by default", async () => {
    const w = await makeWorld();
    const [odd] = await addProfiles(w.db, w.source.id, [{ email: "odd@example.com", firstName: 'Zoë "Z", the 2nd', fields: { city: "Berlin", note: "line one\nline two" } }]);
    const file = nextFile();
    await exportProfiles(w.db, w.admin, { source: { rule: { ...w.rule, range: { from: 0, to: 100 } } }, format: "csv" }, { file });
    const lines = readFileSync(file, "utf8").split("\r\n");
    expect(lines[0]).toBe("id,email,phone,first_name,last_name,created_at,updated_at,city,age,vip,joined,note,email_subscription,sms_subscription,push_subscription");
    const last = lines.at(-2)!;
    expect(last.startsWith(`${odd},odd@example.com,,"Zoë ""Z"", the 2nd",,`)).toBe(true);
    expect(last).toMatch(/,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z,/);
    expect(readFileSync(file, "utf8")).toContain(`"line one\nline two"`);
  });

  it("writes NDJSON in the API's profile shape with only the chosen fields", async () => {
    const w = await makeWorld();
    const file = nextFile("ndjson");
    await exportProfiles(w.db, w.marketer, { source: { rule: { ...w.rule, limit: 2 } }, format: "ndjson", fields: ["id", "first_name", "age", "sms_subscription"] }, { file });
    const rows = readFileSync(file, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(rows).toEqual([
      { id: w.ids[0], first_name: "Anna", fields: { age: 31 }, subscriptions: { sms: null } },
      { id: w.ids[1], first_name: "Ben", fields: { age: 45 }, subscriptions: { sms: null } },
    ]);
  });

  it("refuses unknown fields, an empty selection and an invisible source, and writes no file", async () => {
    const w = await makeWorld();
    const file = nextFile();
    const unknown = await rejection(exportProfiles(w.db, w.marketer, { source: { rule: w.rule }, format: "csv", fields: ["email", "shoe_size"] }, { file }));
    expect(unknown.issues[0]).toMatchObject({ path: "fields" });
    expect(unknown.issues[0].message).toContain("shoe_size");
    const nobody = { ...w.rule, conditions: { logic: "and", groups: [{ logic: "and", not: false, conditions: [{ kind: "field", field: "city", op: "eq", value: "Paris" }] }] } };
    expect((await rejection(exportProfiles(w.db, w.marketer, { source: { rule: nobody }, format: "csv" }, { file }))).message).toMatch(/selection is empty/);
    expect((await rejection(exportProfiles(w.db, w.outsider, { source: { rule: { databaseId: w.hidden.id } }, format: "csv" }, { file }))).code).toBe("not_found");
    expect(readdirSync(dir).filter((f) => f.startsWith(path.basename(file)))).toEqual([]);
  });

});

describe("Export profile history", () => {
  it("lists the selection's events and profile changes inside the period: who, what, when, old and new values", async () => {
    const w = await makeWorld();
    await w.db.insert(events).values([
      { databaseId: w.source.id, profileId: w.ids[0], channel: "email", type: "opened", mailingId: 7, occurredAt: new Date("2026-02-01T10:00:00Z") },
      { databaseId: w.source.id, profileId: w.ids[0], channel: "web", type: "purchase", occurredAt: new Date("2026-02-03T09:00:00Z"), properties: { amount: 42 } },
      { databaseId: w.source.id, profileId: w.ids[1], channel: "email", type: "clicked", occurredAt: new Date("2026-01-31T23:59:59Z") }, // before the period
      { databaseId: w.source.id, profileId: w.ids[2], channel: "email", type: "opened", occurredAt: new Date("2026-02-02T10:00:00Z") }, // not in the selection
    ]);
    await w.db.insert(profileChanges).values([
      { databaseId: w.source.id, profileId: w.ids[1], userId: w.marketer.id, changedAt: new Date("2026-02-28T23:00:00Z"), field: "city", oldValue: "Hamburg", newValue: "Berlin", source: "bulk_edit" },
    ]);
    const file = nextFile();
    const outcome = await exportHistory(w.db, w.marketer, { source: { segmentId: w.berliners.id }, from: "2026-02-01", to: "2026-02-28" }, { file });
    expect(readFileSync(file, "utf8").split("\r\n")).toEqual([
      "profile_id,email,at,kind,what,channel,mailing_id,old_value,new_value,changed_by,source,properties",
      `${w.ids[0]},anna@example.com,2026-02-01T10:00:00.000Z,event,opened,email,7,,,,,`,
      `${w.ids[0]},anna@example.com,2026-02-03T09:00:00.000Z,event,purchase,web,,,,,,"{""amount"":42}"`,
      `${w.ids[1]},ben@example.com,2026-02-28T23:00:00.000Z,change,city,,,Hamburg,Berlin,${w.marketer.name},bulk_edit,`,
      "",
    ]);
    expect(outcome).toMatchObject({ count: 4, rows: 3 });
    expect(outcome.summary).toBe("Exported the history of 4 profiles (3 rows, 2026-02-01 – 2026-02-28)");
  });

  it("includes the changes a bulk edit wrote, and only what was asked for", async () => {
    const w = await makeWorld();
    await applyBulkEdit(w.db, w.marketer, { source: { rule: { ...w.rule, limit: 1 } }, changes: [{ kind: "field", field: "age", op: "set", value: 32 }] });
    const day = new Date().toISOString().slice(0, 10);
    const file = nextFile();
    await exportHistory(w.db, w.marketer, { source: { rule: w.rule }, from: day, to: day, include: ["changes"] }, { file });
    const lines = readFileSync(file, "utf8").split("\r\n");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(new RegExp(`^${w.ids[0]},anna@example.com,${day}T[^,]+,change,age,,,31,32,`));
  });

  it("refuses a period that ends before it starts", async () => {
    const w = await makeWorld();
    const error = await rejection(exportHistory(w.db, w.marketer, { source: { rule: w.rule }, from: "2026-03-01", to: "2026-02-01" }, { file: nextFile() }));
    expect(error.issues[0].path).toBe("to");
  });
});
