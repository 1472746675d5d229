import { sql } from "drizzle-orm";
import type { Db } from "../client";
import { dynamicSegmentAccessGroups, dynamicSegments, segmentVersions, staticSegments } from "../schema";
import { affectedRows } from "./bulk";
import type { SeedContext } from "./context";
import { berlinVip, emailSubscribed, group, neverBouncedOrUnsubscribed, oneGroup } from "./demo-rules";
import { int, timestampLiteral } from "./random";

/** A saved dynamic segment of the demo; `conditions` is Script v1 JSON exactly as SPEC §2 writes it. */
export type DemoSegment = {
  name: string;
  database: "retail" | "wholesale";
  rangeFrom?: number;
  rangeTo?: number;
  limit?: number;
  description: string;
  tags: string[];
  accessGroup?: string;
  createdBy: string;
  conditions: Record<string, unknown>;
};

export const demoSegments: readonly DemoSegment[] = [
  {
    name: "Berlin VIPs",
    database: "retail",
    description: "VIP customers living in Berlin, for store events.",
    tags: ["vip", "berlin"],
    accessGroup: "Retail team",
    createdBy: "marketer@example.com",
    conditions: oneGroup(berlinVip),
  },
  {
    name: "Engaged openers",
    database: "retail",
    description: "Subscribed to email and opened a mailing in the last 30 days.",
    tags: ["engagement", "email"],
    createdBy: "marketer@example.com",
    conditions: oneGroup([
      emailSubscribed,
      { kind: "interaction", channel: "email", type: "opened", count: { op: "gte", value: 1 }, period: { last_days: 30 } },
    ]),
  },
  {
    name: "Lapsed buyers",
    database: "retail",
    description: "Bought before, but nothing in the last 180 days.",
    tags: ["win-back", "purchases"],
    createdBy: "admin@example.com",
    conditions: oneGroup([
      { kind: "event", type: "purchase", count: { op: "gte", value: 1 } },
      { kind: "event", type: "purchase", count: { op: "eq", value: 0 }, period: { last_days: 180 } },
    ]),
  },
  {
    name: "Newsletter test group",
    database: "retail",
    rangeFrom: 0,
    rangeTo: 20,
    limit: 1000,
    description: "A stable 20 % slice of email subscribers who never bounced or unsubscribed, capped at 1,000.",
    tags: ["a/b test", "email"],
    createdBy: "marketer@example.com",
    conditions: { logic: "and", groups: [group([emailSubscribed]), neverBouncedOrUnsubscribed] },
  },
  {
    name: "Verified key accounts",
    database: "wholesale",
    description: "Verified partners with at least 1 million in annual revenue.",
    tags: ["key accounts"],
    accessGroup: "Wholesale team",
    createdBy: "lead@example.com",
    conditions: oneGroup([
      { kind: "field", field: "verified", op: "is_true" },
      { kind: "field", field: "annual_revenue", op: "gte", value: 1_000_000 },
    ]),
  },
];

/** Inserts the demo dynamic segments (count left NULL: the engine computes it); returns ids by name. */
export async function seedDynamicSegments(
  db: Db,
  ctx: SeedContext,
  refs: { databaseIds: Record<DemoSegment["database"], number>; users: ReadonlyMap<string, number>; groups: ReadonlyMap<string, number> },
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const [i, s] of demoSegments.entries()) {
    const at = new Date(ctx.now.getTime() - (60 - i * 7) * 86_400_000);
    const [row] = await db
      .insert(dynamicSegments)
      .values({
        name: s.name,
        databaseId: refs.databaseIds[s.database],
        rangeFrom: s.rangeFrom ?? 0,
        rangeTo: s.rangeTo ?? 100,
        conditions: s.conditions,
        limit: s.limit ?? null,
        description: s.description,
        tags: s.tags,
        createdBy: refs.users.get(s.createdBy) ?? null,
        createdAt: at,
        updatedAt: at,
      })
      .returning({ id: dynamicSegments.id });
    ids.set(s.name, row.id);
    // Version 1 (SPEC §6): the definition as seeded, by its creator (count unknown until calculated).
    await db.insert(segmentVersions).values({ segmentId: row.id, n: 1, createdBy: refs.users.get(s.createdBy) ?? null, createdAt: at, rangeFrom: s.rangeFrom ?? 0, rangeTo: s.rangeTo ?? 100, conditions: s.conditions, limit: s.limit ?? null });
    const groupId = s.accessGroup ? refs.groups.get(s.accessGroup) : undefined;
    if (groupId !== undefined) await db.insert(dynamicSegmentAccessGroups).values({ segmentId: row.id, groupId });
  }
  return ids;
}

/** One static segment: a hand-picked list of Berlin customers invited to a store opening. */
export async function seedStaticSegment(db: Db, ctx: SeedContext, retailId: number, createdBy: number): Promise<number> {
  const createdAt = new Date(ctx.now.getTime() - 30 * 86_400_000);
  const [row] = await db
    .insert(staticSegments)
    .values({ name: "Store opening invitees (Berlin)", databaseId: retailId, createdBy, createdAt })
    .returning({ id: staticSegments.id });
  const result = await db.execute(sql`
    INSERT INTO static_segment_members (segment_id, profile_id, added_at)
    SELECT ${int(row.id)}, id, ${timestampLiteral(createdAt)}
    FROM profiles
    WHERE database_id = ${int(retailId)} AND fields->>'city' = 'Berlin' AND id % 5 = 0
    ORDER BY id
    LIMIT 2000
  `);
  return affectedRows(result);
}
