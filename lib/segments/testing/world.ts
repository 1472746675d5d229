/**
 * Random but reproducible test data for the selection engine: one profile database with custom fields
 * of every type, profiles full of empty values, mixed case, `%`, `_` and `\`, boundary numbers and
 * dates, events with properties, static and dynamic segments; plus a second database that must never
 * leak into a selection. Written to the test database and mirrored as a reference world.
 */
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { dynamicSegments, events, profileDatabases, profileFields, profiles, staticSegmentMembers, staticSegments } from "@/db/schema";
import type { ActingUser } from "@/lib/access/acting-user";
import type { Json, RefEvent, RefProfile, RefRule, RefWorld } from "./reference";

export const NOW = new Date("2026-03-15T12:00:00.000Z");

export const admin: ActingUser = { id: 0, email: "admin@test", name: "Admin", role: "admin", groupIds: [], leadGroupIds: [] };

/** A tiny seeded PRNG (mulberry32), so that a failing seed reproduces its data. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
    chance: (p: number) => next() < p,
  };
}
export type Prng = ReturnType<typeof prng>;

export const CUSTOM_FIELDS = [
  { key: "city", type: "string" },
  { key: "nick", type: "string" },
  { key: "home city", type: "string" },
  { key: "age", type: "number" },
  { key: "score", type: "number" },
  { key: "birthday", type: "date" },
  { key: "seen_at", type: "date" },
  { key: "vip", type: "boolean" },
] as const;

/** Values worth colliding with: condition values are drawn from the same pools. */
export const POOLS = {
  strings: [
    "Berlin", "berlin", "BERLIN", "Ber", "lin", "Hamburg", "100%", "100% sure", "a_b", "axb", "a\\b", "\\", "%", "_",
    "", " ", "O'Neil", "x\"y", "Ünïcode", "'; drop table profiles; --",
  ],
  numbers: [-5, -0.5, 0, 0.1, 0.5, 1, 2, 2.5, 3, 10, 99.99, 100, 1e6],
  dates: [
    "2026-03-15", "2026-03-14", "2026-03-16", "2026-03-15T12:00:00Z", "2026-03-15T00:00:00Z", "2026-03-14T23:59:59.999Z",
    "2026-03-15T12:00:00+02:00", "2026-03-15T10:00:00Z", "2026-02-13T12:00:00Z", "2026-02-13", "2025-12-31", "2026-04-14T12:00:00Z",
    "2025-12-15T12:00:00Z", "2026-03-22T12:00:00.000Z", "1990-05-01",
  ],
  days: [0, 1, 7, 30, 90, 365],
};

const EVENT_TYPES = ["opened", "clicked", "delivered", "purchase", "page_view"];
const CHANNELS = ["email", "sms", "push", "web", "app"];

function fieldValue(r: Prng, type: string): Json | undefined {
  const roll = r.next();
  if (roll < 0.12) return undefined; // missing
  if (roll < 0.18) return null;
  if (roll < 0.24) return "";
  switch (type) {
    case "string":
      return r.pick(POOLS.strings.filter((s) => s !== ""));
    case "number":
      return r.chance(0.05) ? "12" : r.pick(POOLS.numbers);
    case "date":
      return r.chance(0.05) ? r.pick(["not a date", "2026-02-30"]) : r.pick(POOLS.dates);
    default:
      return r.chance(0.5);
  }
}

function instant(r: Prng): string {
  // Around NOW, with exact day boundaries (now − 7, 30, 90 days) now and then.
  if (r.chance(0.2)) return new Date(NOW.getTime() - r.pick(POOLS.days) * 86_400_000).toISOString();
  return new Date(NOW.getTime() - r.int(-5 * 24, 200 * 24) * 3_600_000 - r.int(0, 3599) * 1000).toISOString();
}

export type World = RefWorld & { databaseId: number; otherDatabaseId: number; staticIds: number[]; dynamicIds: number[] };

/** Creates a database, its profiles, events and static segments (dynamic segments come from a script generator). */
export async function createWorld(db: Db, seed: number, size: number): Promise<World> {
  const r = prng(seed);
  const [database] = await db.insert(profileDatabases).values({ name: `World ${seed} ${Math.random()}` }).returning();
  const [other] = await db.insert(profileDatabases).values({ name: `Other ${seed} ${Math.random()}` }).returning();
  await db.insert(profileFields).values(CUSTOM_FIELDS.map((f, i) => ({ databaseId: database.id, key: f.key, type: f.type, label: f.key, position: i })));
  await db.insert(profileFields).values(CUSTOM_FIELDS.map((f, i) => ({ databaseId: other.id, key: f.key, type: f.type, label: f.key, position: i })));

  const makeProfile = (databaseId: number) => {
    const fields: Record<string, Json> = {};
    for (const f of CUSTOM_FIELDS) {
      const v = fieldValue(r, f.type);
      if (v !== undefined) fields[f.key] = v;
    }
    const text = () => (r.chance(0.2) ? null : r.chance(0.1) ? "" : r.pick(POOLS.strings));
    const sub = () => r.pick(["subscribed", "unsubscribed", null] as const);
    return {
      databaseId,
      email: text(),
      phone: text(),
      firstName: text(),
      lastName: text(),
      createdAt: new Date(instant(r)),
      updatedAt: new Date(instant(r)),
      fields,
      emailSubscription: sub(),
      smsSubscription: sub(),
      pushSubscription: sub(),
    };
  };
  const values = [...Array.from({ length: size }, () => makeProfile(database.id)), ...Array.from({ length: 15 }, () => makeProfile(other.id))];
  const inserted = await db.insert(profiles).values(values).returning();

  const refProfiles: RefProfile[] = inserted.map((p) => ({
    id: p.id,
    databaseId: p.databaseId,
    email: p.email,
    phone: p.phone,
    first_name: p.firstName,
    last_name: p.lastName,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
    fields: p.fields as Record<string, Json>,
    subscriptions: { email: p.emailSubscription, sms: p.smsSubscription, push: p.pushSubscription },
  }));

  const refEvents: RefEvent[] = [];
  for (const p of refProfiles) {
    const n = r.chance(0.25) ? 0 : r.int(1, 7);
    for (let i = 0; i < n; i++) {
      const type = r.pick(EVENT_TYPES);
      const properties: Record<string, Json> = {};
      if (r.chance(0.7)) properties.amount = r.chance(0.1) ? "" : r.pick(POOLS.numbers);
      if (r.chance(0.5)) properties.sku = r.pick(POOLS.strings);
      if (r.chance(0.3)) properties.at = r.pick(POOLS.dates);
      if (r.chance(0.3)) properties.gift = r.chance(0.5);
      refEvents.push({
        profileId: p.id,
        channel: type === "purchase" || type === "page_view" ? r.pick(["web", "app"]) : r.pick(CHANNELS),
        type,
        mailingId: ["opened", "clicked", "delivered"].includes(type) ? r.pick([1, 2, 3]) : r.chance(0.1) ? 1 : null,
        occurredAt: instant(r),
        properties: r.chance(0.15) ? null : properties,
      });
    }
  }
  const byProfile = new Map(refProfiles.map((p) => [p.id, p.databaseId]));
  for (let i = 0; i < refEvents.length; i += 500) {
    await db.insert(events).values(
      refEvents.slice(i, i + 500).map((e) => ({
        databaseId: byProfile.get(e.profileId)!,
        profileId: e.profileId,
        channel: e.channel as "email",
        type: e.type,
        mailingId: e.mailingId,
        occurredAt: new Date(e.occurredAt),
        properties: e.properties,
      })),
    );
  }

  const staticIds: number[] = [];
  const staticMembers = new Map<number, Set<number>>();
  for (let s = 0; s < 2; s++) {
    const [segment] = await db.insert(staticSegments).values({ name: `Static ${s}`, databaseId: database.id }).returning();
    const members = refProfiles.filter((p) => p.databaseId === database.id && r.chance(0.3)).map((p) => p.id);
    // A profile of the other database in the list must not leak into a selection either.
    members.push(refProfiles.find((p) => p.databaseId === other.id)!.id);
    await db.insert(staticSegmentMembers).values(members.map((profileId) => ({ segmentId: segment.id, profileId })));
    staticIds.push(segment.id);
    staticMembers.set(segment.id, new Set(members));
  }

  return {
    databaseId: database.id,
    otherDatabaseId: other.id,
    profiles: refProfiles,
    events: refEvents,
    fields: new Map([
      [database.id, new Map(CUSTOM_FIELDS.map((f) => [f.key, f.type]))],
      [other.id, new Map(CUSTOM_FIELDS.map((f) => [f.key, f.type]))],
    ]),
    staticMembers,
    dynamicSegments: new Map(),
    staticIds,
    dynamicIds: [],
  };
}

/** Saves a dynamic segment in the world's database and in the reference. */
export async function addDynamicSegment(db: Db, world: World, rule: Omit<RefRule, "databaseId">, name: string): Promise<number> {
  const [row] = await db
    .insert(dynamicSegments)
    .values({ name, databaseId: world.databaseId, rangeFrom: rule.range.from, rangeTo: rule.range.to, conditions: rule.conditions === null ? sql`null` : JSON.parse(JSON.stringify(rule.conditions)), limit: rule.limit })
    .returning({ id: dynamicSegments.id });
  world.dynamicSegments.set(row.id, { ...rule, databaseId: world.databaseId });
  world.dynamicIds.push(row.id);
  return row.id;
}

/** Row counts, to prove a statement changed nothing. */
export async function tableCounts(db: Db): Promise<string> {
  const result = (await db.execute(
    sql`select (select count(*) from profiles)::int as p, (select count(*) from events)::int as e, (select count(*) from profile_fields)::int as f`,
  )) as unknown;
  const rows = Array.isArray(result) ? result : (result as { rows: unknown[] }).rows;
  return JSON.stringify(rows[0]);
}
