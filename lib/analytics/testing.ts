/**
 * A small, fully known world for the analytics tests: one database with a field of every type, eight
 * profiles (empty, missing, null and wrong-kind values among them), mailings and events around a
 * fixed "now", and saved segments over it. Expected numbers are computed in the tests with their own
 * SQL, never with the code under test.
 */
import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "@/db/client";
import { mailings, segmentUpdateLog } from "@/db/schema";
import { makeSegment } from "@/db/testing/fixtures";
import { addEvents, addProfiles, makeDatabase } from "@/lib/segments/testing/fixtures";

export const NOW = new Date("2026-03-15T12:00:00Z");
export const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);

/** `id IN (…)` for a known list of ids; an empty list selects nothing. */
export const inIds = (column: SQL, ids: number[]): SQL =>
  ids.length ? sql`${column} in (${sql.join(ids.map((id) => sql`${id}::bigint`), sql`, `)})` : sql`false`;

export async function one<T>(db: Db, query: SQL): Promise<T> {
  const [row] = await queryRows<T>(db, query);
  return row;
}

const cityIsNotMunich = { logic: "and", groups: [{ logic: "and", conditions: [{ kind: "field", field: "city", op: "neq", value: "Munich" }] }] };
const cityIsNowhere = { logic: "and", groups: [{ logic: "and", conditions: [{ kind: "field", field: "city", op: "eq", value: "Nowhere" }] }] };

export async function buildWorld(db: Db) {
  const database = await makeDatabase(db, [
    { key: "city", type: "string" },
    { key: "points", type: "number" },
    { key: "joined", type: "date" },
    { key: "vip", type: "boolean" },
  ]);
  const other = await makeDatabase(db);
  const profiles = [
    { fields: { city: "Berlin", points: 10, joined: "2024-01-15", vip: true }, email: "a@example.com", phone: "+4930111", emailSubscription: "subscribed", smsSubscription: "unsubscribed" },
    { fields: { city: "Berlin", points: 25.5, joined: "2024-03-02T10:00:00Z", vip: false }, email: "", emailSubscription: "unsubscribed" },
    { fields: { city: "Hamburg", points: "n/a", joined: "not a date", vip: "yes" }, email: "b@example.com", pushSubscription: "subscribed" },
    { fields: { city: "", points: null, vip: null }, email: null, phone: "+4940222", smsSubscription: "subscribed" },
    { fields: {}, email: "c@example.com", phone: "" },
    { fields: { city: "Munich", points: 100, joined: "2025-12-31", vip: true }, email: "d@example.com", emailSubscription: "subscribed" },
    { fields: { city: "Berlin", points: 0, joined: "2024-02-29", vip: true }, email: "e@example.com", emailSubscription: "subscribed", pushSubscription: "unsubscribed" },
    { fields: { city: "Hamburg", points: 40, joined: "2026-01-01", vip: false }, phone: "+4989333" },
    { fields: { city: "Munich", points: 70, vip: false }, email: "f@example.com" },
  ] as const;
  const ids = await addProfiles(db, database.id, profiles.map((p) => ({ ...p, fields: { ...p.fields } })));
  // The selection of "city neq Munich", worked out by hand: empty cities are included (SPEC §2).
  const selected = ids.filter((_, i) => profiles[i].fields && (profiles[i].fields as { city?: string }).city !== "Munich");

  const [spring, newsletter] = await db
    .insert(mailings)
    .values([
      { name: "Spring sale", databaseId: database.id },
      { name: "Newsletter", databaseId: database.id },
    ])
    .returning({ id: mailings.id });
  const [foreign] = await db.insert(mailings).values({ name: "Other database's mailing", databaseId: other.id }).returning({ id: mailings.id });
  const [p0, p1, p2, , p4, p5, p6, p7] = ids;
  const ev = (profileId: number, type: string, mailingId: number | null, at: Date, properties?: Record<string, unknown>) => ({
    profileId,
    channel: (type === "purchase" ? "web" : "email") as "web" | "email",
    type,
    mailingId,
    occurredAt: at,
    properties: properties ?? null,
  });
  await addEvents(db, database.id, [
    ev(p0, "delivered", spring.id, daysAgo(2)),
    ev(p0, "opened", spring.id, daysAgo(2)),
    ev(p0, "clicked", spring.id, daysAgo(2)),
    ev(p0, "clicked", spring.id, daysAgo(1)),
    ev(p0, "delivered", newsletter.id, daysAgo(40)),
    ev(p0, "opened", newsletter.id, daysAgo(40)),
    ev(p0, "delivered", spring.id, new Date(NOW.getTime() + 86_400_000)), // in the future: never counted
    ev(p1, "delivered", spring.id, daysAgo(2)),
    ev(p1, "opened", spring.id, daysAgo(2)),
    ev(p1, "clicked", spring.id, daysAgo(7)), // exactly on the 7-day boundary: counted
    ev(p2, "delivered", newsletter.id, daysAgo(10)),
    ev(p2, "clicked", newsletter.id, daysAgo(10)),
    ev(p2, "purchase", null, daysAgo(5), { amount: 50 }),
    ev(p2, "purchase", null, daysAgo(5), { amount: "12" }), // not a number: counted, not summed
    ev(p2, "purchase", null, daysAgo(5)),
    ev(p4, "delivered", foreign.id, daysAgo(3)),
    ev(p4, "clicked", foreign.id, daysAgo(3)),
    ev(p5, "delivered", spring.id, daysAgo(2)),
    ev(p5, "opened", spring.id, daysAgo(2)),
    ev(p5, "clicked", spring.id, daysAgo(2)),
    ev(p5, "purchase", null, daysAgo(3), { amount: 100 }),
    ev(p6, "delivered", 999_999, daysAgo(20)),
    ev(p6, "clicked", 999_999, daysAgo(20)),
    ev(p6, "delivered", null, daysAgo(1)), // no mailing: counted as a delivery, not by top mailings
    ev(p7, "opened", spring.id, daysAgo(100)),
    ev(p7, "purchase", null, daysAgo(60), { amount: 30.5 }),
  ]);

  const segment = await makeSegment({ databaseId: database.id, name: "Not Munich", conditions: cityIsNotMunich });
  const limited = await makeSegment({ databaseId: database.id, name: "Not Munich, first 3", conditions: cityIsNotMunich, limit: 3 });
  const empty = await makeSegment({ databaseId: database.id, name: "Nobody", conditions: cityIsNowhere });
  // No condition, the whole range, no limit: every profile of the database (the figures' `everyProfile` form).
  const everyone = await makeSegment({ databaseId: database.id, name: "Everyone" });
  await db.insert(segmentUpdateLog).values([
    { segmentId: segment.id, kind: "created", at: daysAgo(30) },
    { segmentId: segment.id, kind: "calculated", at: daysAgo(30), count: 5 },
    { segmentId: segment.id, kind: "calculated", at: daysAgo(10), count: 6 },
    { segmentId: segment.id, kind: "updated", at: daysAgo(9), count: null },
    { segmentId: segment.id, kind: "calculated", at: daysAgo(1), count: 7 },
    { segmentId: limited.id, kind: "calculated", at: daysAgo(1), count: 3 },
  ]);
  return { database, other, ids, selected, segment, limited, empty, everyone, mailings: { spring, newsletter, foreign } };
}

export type World = Awaited<ReturnType<typeof buildWorld>>;
