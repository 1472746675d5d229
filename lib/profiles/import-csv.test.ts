import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { profiles } from "@/db/schema";
import { getDatabase } from "@/lib/databases/queries";
import { actingUser, admin, makeDatabase, makeGroup } from "@/lib/databases/test-fixtures";
import { AppError } from "@/lib/errors";
import { importProfilesCsv } from "./import-csv";
import { listProfiles } from "./queries";

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected an AppError");
}

/** A file as the browser hands it to a server action: a web ReadableStream, here in small chunks. */
function fileStream(text: string, chunkSize = 7): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}

const countIn = async (databaseId: number) => (await getDatabase(await getDb(), admin, databaseId)).profileCount;

describe("importing profiles from CSV", () => {
  it("imports every row, converting cells by the field's type", async () => {
    const db = await getDb();
    const database = await makeDatabase();
    const csv = [
      "\uFEFFemail,first_name,last_name,phone,created_at,city,loyalty_points,birthday,vip,email_subscription,sms_subscription",
      'ada@example.com,Ada,Lovelace,+44 20 7946,2024-05-01T10:00:00Z,"London, UK",120,1815-12-10,yes,subscribed,unsubscribed',
      "bob@example.com,Bob,,,,,0.5,,false,,",
      ',"Multi\nline",,,,Paris,,,,UNSUBSCRIBED,',
      "",
      ",,,,,,,,,,",
    ].join("\r\n");
    const result = await importProfilesCsv(db, admin, database.id, fileStream(csv));
    expect(result).toEqual({ imported: 3 });

    const { profiles: rows } = await listProfiles(db, admin, database.id);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      email: "ada@example.com",
      first_name: "Ada",
      last_name: "Lovelace",
      phone: "+44 20 7946",
      created_at: "2024-05-01T10:00:00.000Z",
      fields: { city: "London, UK", loyalty_points: 120, birthday: "1815-12-10", vip: true },
      subscriptions: { email: "subscribed", sms: "unsubscribed", push: null },
    });
    expect(rows[1]).toMatchObject({ email: "bob@example.com", last_name: null, fields: { loyalty_points: 0.5, vip: false } });
    expect(rows[2]).toMatchObject({ email: null, first_name: "Multi\nline", fields: { city: "Paris" }, subscriptions: { email: "unsubscribed" } });
    expect(await countIn(database.id)).toBe(3);
  });

  it("inserts nothing when a row in the middle is bad, and names its row and column", async () => {
    const db = await getDb();
    const database = await makeDatabase();
    const lines = ["email,loyalty_points"];
    for (let i = 0; i < 2500; i++) lines.push(`p${i}@example.com,${i}`);
    lines[1700] = "bad@example.com,abc"; // line index 1700 = spreadsheet row 1701
    const error = await failure(importProfilesCsv(db, admin, database.id, fileStream(lines.join("\n"), 4096)));
    expect(error.code).toBe("validation_failed");
    expect(error.message).toBe("The file has a problem; nothing was imported.");
    expect(error.issues.map((i) => i.message)).toEqual(['Row 1701, column loyalty_points: "abc" is not a number.']);
    expect(await countIn(database.id)).toBe(0);
  });

  it("reports wrong types, bad emails and subscriptions in every row, up to 20", async () => {
    const db = await getDb();
    const database = await makeDatabase();
    const csv = ["email,birthday,vip,push_subscription", "nope,2024-02-30,perhaps,maybe", "ok@example.com,2024-02-29,no,"].join("\n");
    const error = await failure(importProfilesCsv(db, admin, database.id, csv));
    expect(error.issues.map((i) => i.message)).toEqual([
      'Row 2, column email: "nope" is not a valid email address.',
      'Row 2, column birthday: "2024-02-30" is not an ISO date (2026-01-31) or date-time.',
      'Row 2, column vip: "perhaps" is not true or false.',
      'Row 2, column push_subscription: "maybe" is not "subscribed" or "unsubscribed".',
    ]);

    const many = ["loyalty_points", ...Array.from({ length: 50 }, () => "x")].join("\n");
    const capped = await failure(importProfilesCsv(db, admin, database.id, many));
    expect(capped.issues).toHaveLength(20);
    expect(capped.message).toMatch(/at least 20 problems/);
    expect(await countIn(database.id)).toBe(0);
  });

  it("refuses an unknown column, a repeated column and the id column before reading any row", async () => {
    const db = await getDb();
    const database = await makeDatabase();
    const error = await failure(importProfilesCsv(db, admin, database.id, "email,loyalty,email,id\na@example.com,1,b@example.com,5\n"));
    expect(error.issues.map((i) => i.message)).toEqual([
      'Column 2 "loyalty": not a field of this database.',
      'Column 3 "email" appears twice in the header row.',
      'Column 4 "id": ids are assigned by the app; remove this column.',
      "Columns this database accepts: email, phone, first_name, last_name, created_at, email_subscription, sms_subscription, push_subscription, city, loyalty_points, birthday, vip.",
    ]);
    expect(await countIn(database.id)).toBe(0);
  });

  it("refuses a value beyond the header's columns and broken quoting", async () => {
    const db = await getDb();
    const database = await makeDatabase();
    const extra = await failure(importProfilesCsv(db, admin, database.id, "email,city\na@example.com,Rome,oops\n"));
    expect(extra.issues[0].message).toBe("Row 2, column 3: a value beyond the header's 2 columns.");
    const broken = await failure(importProfilesCsv(db, admin, database.id, 'email,city\na@example.com,"Rome\n'));
    expect(broken.issues[0].message).toMatch(/^Row 2: the file is not valid CSV/);
    expect(await countIn(database.id)).toBe(0);
  });

  it("says so when the file is empty, and imports nothing from a header alone", async () => {
    const db = await getDb();
    const database = await makeDatabase();
    expect((await failure(importProfilesCsv(db, admin, database.id, ""))).message).toMatch(/empty/);
    expect(await importProfilesCsv(db, admin, database.id, "email,city\n")).toEqual({ imported: 0 });
  });

  it("answers not_found for a database the user may not see, for a marketer outside its group", async () => {
    const db = await getDb();
    const team = await makeGroup();
    const database = await makeDatabase({ accessGroupIds: [team.id] });
    const error = await failure(importProfilesCsv(db, actingUser("marketer"), database.id, "email\na@example.com\n"));
    expect(error.code).toBe("not_found");
    await expect(importProfilesCsv(db, actingUser("marketer", [team.id]), database.id, "email\na@example.com\n")).resolves.toEqual({ imported: 1 });
  });

  it("imports more rows than one batch, in file order", async () => {
    const db = await getDb();
    const database = await makeDatabase();
    const lines = ["email,loyalty_points", ...Array.from({ length: 3001 }, (_, i) => `n${i}@example.com,${i}`)];
    expect(await importProfilesCsv(db, admin, database.id, fileStream(lines.join("\n"), 65536))).toEqual({ imported: 3001 });
    const stored = await db.select({ email: profiles.email }).from(profiles).where(eq(profiles.databaseId, database.id)).orderBy(profiles.id);
    expect(stored.map((r) => r.email)).toEqual(lines.slice(1).map((l) => l.split(",")[0]));
  });
});
