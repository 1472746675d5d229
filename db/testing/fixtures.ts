import { getDb } from "@/db/client";
import {
  accessGroupMembers,
  accessGroups,
  dynamicSegmentAccessGroups,
  dynamicSegments,
  profileDatabaseAccessGroups,
  profileDatabases,
  profileFields,
  segmentVersions,
  users,
  type FieldType,
  type UserRole,
} from "@/db/schema";
import { loadActingUser, type ActingUser } from "@/lib/access/acting-user";

let counter = 0;
const unique = (prefix: string) => `${prefix} ${++counter}-${Math.random().toString(36).slice(2, 7)}`;

/** A user with a role and group memberships, returned as the data layer sees them. */
export async function makeUser(role: UserRole, groups: { id: number; lead?: boolean }[] = []): Promise<ActingUser> {
  const db = await getDb();
  const email = `${unique(role).replace(/\W+/g, ".")}@example.test`;
  const [u] = await db.insert(users).values({ email, name: email, passwordHash: "x", role }).returning();
  if (groups.length) await db.insert(accessGroupMembers).values(groups.map((g) => ({ groupId: g.id, userId: u.id, isLead: Boolean(g.lead) })));
  return (await loadActingUser(db, u.id))!;
}

export async function makeGroup(name = unique("Group")) {
  const db = await getDb();
  const [g] = await db.insert(accessGroups).values({ name }).returning();
  return g;
}

export async function makeDatabase(opts: { fields?: { key: string; type: FieldType }[]; groupIds?: number[]; name?: string } = {}) {
  const db = await getDb();
  const [d] = await db.insert(profileDatabases).values({ name: opts.name ?? unique("Database") }).returning();
  if (opts.fields?.length)
    await db.insert(profileFields).values(opts.fields.map((f, i) => ({ databaseId: d.id, key: f.key, type: f.type, label: f.key, position: i })));
  if (opts.groupIds?.length) await db.insert(profileDatabaseAccessGroups).values(opts.groupIds.map((groupId) => ({ databaseId: d.id, groupId })));
  return d;
}

export async function makeSegment(opts: {
  databaseId: number;
  name?: string;
  conditions?: unknown;
  groupIds?: number[];
  tags?: string[];
  rangeFrom?: number;
  rangeTo?: number;
  limit?: number | null;
}) {
  const db = await getDb();
  const [s] = await db
    .insert(dynamicSegments)
    .values({
      name: opts.name ?? unique("Segment"),
      databaseId: opts.databaseId,
      conditions: opts.conditions ?? null,
      tags: opts.tags ?? [],
      rangeFrom: opts.rangeFrom ?? 0,
      rangeTo: opts.rangeTo ?? 100,
      limit: opts.limit ?? null,
    })
    .returning();
  await db.insert(segmentVersions).values({ segmentId: s.id, n: 1, rangeFrom: s.rangeFrom, rangeTo: s.rangeTo, conditions: s.conditions, limit: s.limit });
  if (opts.groupIds?.length) await db.insert(dynamicSegmentAccessGroups).values(opts.groupIds.map((groupId) => ({ segmentId: s.id, groupId })));
  return s;
}
