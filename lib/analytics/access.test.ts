import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, queryRows } from "@/db/client";
import { dynamicSegmentAccessGroups, dynamicSegments, profileDatabaseAccessGroups } from "@/db/schema";
import { makeSegment } from "@/db/testing/fixtures";
import { AppError } from "@/lib/errors";
import { actingUser, addProfiles, makeDatabase, makeGroup } from "@/lib/segments/testing/fixtures";
import { composition } from "./composition";
import { engagement, topMailings } from "./engagement";
import { rangeMap } from "./range-map";
import { reachability } from "./reachability";
import { analyticsReport } from "./report";
import { segmentSize } from "./size";
import { NOW } from "./testing";

const admin = actingUser("admin");
const opts = { now: NOW };

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const everyFigure = (segmentId: number, user = admin) => {
  const run = async (db: Awaited<ReturnType<typeof getDb>>) => [
    () => segmentSize(db, user, segmentId, opts),
    () => reachability(db, user, segmentId, opts),
    () => engagement(db, user, segmentId, 30, opts),
    () => topMailings(db, user, segmentId, 30, opts),
    () => composition(db, user, segmentId, undefined, opts),
    () => rangeMap(db, user, segmentId),
    () => analyticsReport(db, user, segmentId, { days: 30, fieldKey: undefined }, opts),
  ];
  return run;
};

describe("access", () => {
  let group: { id: number };
  let member: ReturnType<typeof actingUser>;
  let outsider: ReturnType<typeof actingUser>;

  beforeAll(async () => {
    group = await makeGroup(await getDb());
    member = actingUser("marketer", [group.id]);
    outsider = actingUser("marketer");
  });

  it("a segment with access groups is not found for a user outside them, by every figure", async () => {
    const db = await getDb();
    const database = await makeDatabase(db, [{ key: "city", type: "string" }]);
    await addProfiles(db, database.id, [{ fields: { city: "Berlin" } }]);
    const segment = await makeSegment({ databaseId: database.id, groupIds: [group.id] });
    for (const figure of await everyFigure(segment.id, outsider)(db)) expect((await rejection(figure())).code).toBe("not_found");
    for (const figure of await everyFigure(segment.id, member)(db)) await figure();
  });

  it("a segment in a database the user cannot see is not found", async () => {
    const db = await getDb();
    const database = await makeDatabase(db);
    await db.insert(profileDatabaseAccessGroups).values({ databaseId: database.id, groupId: group.id });
    const segment = await makeSegment({ databaseId: database.id });
    for (const figure of await everyFigure(segment.id, outsider)(db)) expect((await rejection(figure())).code).toBe("not_found");
  });

  it("a binned or absent segment is not found", async () => {
    const db = await getDb();
    const database = await makeDatabase(db);
    const segment = await makeSegment({ databaseId: database.id });
    await db.update(dynamicSegments).set({ deletedAt: new Date() }).where(eq(dynamicSegments.id, segment.id));
    for (const figure of await everyFigure(segment.id)(db)) expect((await rejection(figure())).code).toBe("not_found");
    for (const figure of await everyFigure(2_000_000_000)(db)) expect((await rejection(figure())).code).toBe("not_found");
  });

  it("a segment whose conditions refer to an invisible segment is not found", async () => {
    const db = await getDb();
    const database = await makeDatabase(db);
    const hidden = await makeSegment({ databaseId: database.id, groupIds: [group.id] });
    const referring = await makeSegment({
      databaseId: database.id,
      conditions: { logic: "and", groups: [{ logic: "and", conditions: [{ kind: "segment", segment_type: "dynamic", segment_id: hidden.id, member: true }] }] },
    });
    expect((await rejection(segmentSize(db, outsider, referring.id, opts))).code).toBe("not_found");
    expect((await segmentSize(db, member, referring.id, opts)).count).toBe(0);
  });
});

describe("range map", () => {
  it("draws the live segments of the same database the user may see, the current one marked, with free ranges and overlaps", async () => {
    const db = await getDb();
    const group = await makeGroup(db);
    const marketer = actingUser("marketer");
    const database = await makeDatabase(db);
    const elsewhere = await makeDatabase(db);
    const current = await makeSegment({ databaseId: database.id, name: "Current", rangeFrom: 0, rangeTo: 20 });
    const hidden = await makeSegment({ databaseId: database.id, name: "Hidden", rangeFrom: 10, rangeTo: 30, groupIds: [group.id] });
    const later = await makeSegment({ databaseId: database.id, name: "Later", rangeFrom: 50, rangeTo: 60.5 });
    const binned = await makeSegment({ databaseId: database.id, name: "Binned", rangeFrom: 60, rangeTo: 80 });
    await db.update(dynamicSegments).set({ deletedAt: new Date() }).where(eq(dynamicSegments.id, binned.id));
    await makeSegment({ databaseId: elsewhere.id, name: "Elsewhere", rangeFrom: 30, rangeTo: 50 });

    const direct = async (user: typeof admin) =>
      (
        await queryRows<{ id: number }>(
          db,
          sql`select s.id from dynamic_segments s where s.database_id = ${database.id} and s.deleted_at is null
              and (${user.role === "admin"} or not exists (select 1 from dynamic_segment_access_groups g where g.segment_id = s.id))
              order by s.range_from, s.range_to, s.name`,
        )
      ).map((r) => Number(r.id));

    const mine = await rangeMap(db, marketer, current.id);
    expect(mine.segments.map((s) => s.id)).toEqual(await direct(marketer));
    expect(mine.segments).toEqual([
      { id: current.id, name: "Current", from: 0, to: 20, count: null, current: true },
      { id: later.id, name: "Later", from: 50, to: 60.5, count: null, current: false },
    ]);
    expect(mine.free).toEqual([
      { from: 20, to: 50 },
      { from: 60.5, to: 100 },
    ]);
    expect(mine.overlapping).toEqual([]);

    const all = await rangeMap(db, admin, current.id);
    expect(all.segments.map((s) => s.id)).toEqual(await direct(admin));
    expect(all.free).toEqual([
      { from: 30, to: 50 },
      { from: 60.5, to: 100 },
    ]);
    expect(all.overlapping).toEqual([{ id: hidden.id, name: "Hidden" }]);
    // the access groups of the hidden segment are what hides it
    await db.delete(dynamicSegmentAccessGroups).where(eq(dynamicSegmentAccessGroups.segmentId, hidden.id));
    expect((await rangeMap(db, marketer, current.id)).segments.map((s) => s.name)).toEqual(["Current", "Hidden", "Later"]);
  });
});
