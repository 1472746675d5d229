import { eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { staticSegments } from "@/db/schema";
import { copyToStaticSegment } from "./copy-to-static-segment";
import { actionLog, isPostgres, makeStaticSegment, makeWorld, membersOf, rejection } from "./testing";

describe("Copy profiles to static segment", () => {
  it("copies the whole selection with one INSERT … SELECT and logs it on the saved segment", async () => {
    const w = await makeWorld();
    const target = await makeStaticSegment(w.source.id, { name: "Store invitees" });
    const outcome = await copyToStaticSegment(w.db, w.marketer, { source: { segmentId: w.berliners.id }, target: { staticSegmentId: target.id } });
    const berliners = [w.ids[0], w.ids[1], w.ids[3], w.ids[5]];
    expect(outcome).toMatchObject({ count: 4, added: 4, alreadyThere: 0, summary: "Copied 4 profiles to static segment “Store invitees”" });
    expect(await membersOf(target.id)).toEqual(berliners);
    const log = await actionLog(w.berliners.id);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ kind: "action", count: 4, userId: w.marketer.id, details: { summary: outcome.summary, action: "copy_to_static_segment" } });
  });

  it("does not duplicate profiles already in the segment, and says how many were there", async () => {
    const w = await makeWorld();
    const target = await makeStaticSegment(w.source.id);
    await w.db.execute(sql`insert into static_segment_members (segment_id, profile_id) values (${target.id}, ${w.ids[0]}), (${target.id}, ${w.ids[2]})`);
    const outcome = await copyToStaticSegment(w.db, w.marketer, { source: { rule: w.rule }, target: { staticSegmentId: target.id } });
    expect(outcome).toMatchObject({ count: 4, added: 3, alreadyThere: 1 });
    expect(await membersOf(target.id)).toEqual([w.ids[0], w.ids[1], w.ids[2], w.ids[3], w.ids[5]].sort((a, b) => a - b));
    // an unsaved rule has no update log to write to
    expect(await actionLog(w.berliners.id)).toHaveLength(0);
  });

  it("creates a new static segment named on the spot, in the same transaction as its members", async () => {
    const w = await makeWorld();
    const outcome = await copyToStaticSegment(w.db, w.marketer, { source: { rule: { ...w.rule, limit: 2 } }, target: { newName: "Two Berliners" } });
    expect(outcome).toMatchObject({ count: 2, added: 2, staticSegmentName: "Two Berliners" });
    expect(await membersOf(Number(outcome.staticSegmentId))).toEqual([w.ids[0], w.ids[1]]);
  });

  it("refuses a new name that a live static segment of the database already has", async () => {
    const w = await makeWorld();
    await makeStaticSegment(w.source.id, { name: "Taken" });
    const error = await rejection(copyToStaticSegment(w.db, w.marketer, { source: { rule: w.rule }, target: { newName: "taken" } }));
    expect(error.code).toBe("conflict");
    expect(error.issues[0].path).toBe("target.newName");
  });

  it("answers 404 for a target the user may not see, and changes nothing", async () => {
    const w = await makeWorld();
    const target = await makeStaticSegment(w.source.id, { groupIds: [w.team.id] });
    const error = await rejection(copyToStaticSegment(w.db, w.outsider, { source: { rule: w.rule }, target: { staticSegmentId: target.id } }));
    expect(error.code).toBe("not_found");
    expect(await membersOf(target.id)).toEqual([]);
    // the same copy by a member of the group works
    await copyToStaticSegment(w.db, w.marketer, { source: { rule: w.rule }, target: { staticSegmentId: target.id } });
    expect(await membersOf(target.id)).toHaveLength(4);
  });

  it("answers 404 for a source the user may not see", async () => {
    const w = await makeWorld();
    const target = await makeStaticSegment(w.hidden.id);
    const error = await rejection(
      copyToStaticSegment(w.db, w.outsider, { source: { rule: { databaseId: w.hidden.id, conditions: null } }, target: { staticSegmentId: target.id } }),
    );
    expect(error.code).toBe("not_found");
  });

  it("refuses a binned target by name, and a target of another database", async () => {
    const w = await makeWorld();
    const binned = await makeStaticSegment(w.source.id, { name: "Old list", binned: true });
    const error = await rejection(copyToStaticSegment(w.db, w.marketer, { source: { rule: w.rule }, target: { staticSegmentId: binned.id } }));
    expect(error.code).toBe("conflict");
    expect(error.message).toContain("“Old list” is in the bin");
    const elsewhere = await makeStaticSegment(w.other.id, { name: "Other list" });
    const mismatch = await rejection(copyToStaticSegment(w.db, w.marketer, { source: { rule: w.rule }, target: { staticSegmentId: elsewhere.id } }));
    expect(mismatch.code).toBe("validation_failed");
    expect(await membersOf(binned.id)).toEqual([]);
    expect(await membersOf(elsewhere.id)).toEqual([]);
  });

  it("refuses an empty selection with a clear message and creates nothing", async () => {
    const w = await makeWorld();
    const nobody = { ...w.rule, conditions: { logic: "and", groups: [{ logic: "and", not: false, conditions: [{ kind: "field", field: "city", op: "eq", value: "Paris" }] }] } };
    const error = await rejection(copyToStaticSegment(w.db, w.marketer, { source: { rule: nobody }, target: { newName: "Parisians" } }));
    expect(error.message).toMatch(/selection is empty/);
    expect(await w.db.select().from(staticSegments).where(eq(staticSegments.name, "Parisians"))).toEqual([]);
  });

  it("rejects bad parameters with paths", async () => {
    const w = await makeWorld();
    const error = await rejection(copyToStaticSegment(w.db, w.marketer, { source: { rule: w.rule }, target: { newName: "  " } }));
    expect(error.code).toBe("validation_failed");
    expect(error.issues.map((i) => i.path)).toContain("target.newName");
  });

  it("two runs on the same target never deadlock: a second one while the first holds the target is told it is already running", async () => {
    const w = await makeWorld();
    const target = await makeStaticSegment(w.source.id, { name: "Busy" });
    const params = { source: { rule: w.rule }, target: { staticSegmentId: target.id } };
    if (isPostgres()) {
      // Another session holds the target's lock, as a run in progress would.
      const other = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
      try {
        await other.begin(async (tx) => {
          await tx`select pg_advisory_xact_lock(7301, hashtext(${`static:${target.id}`}))`;
          const error = await rejection(copyToStaticSegment(w.db, w.marketer, params));
          expect(error.code).toBe("conflict");
          expect(error.message).toContain("already running");
        });
      } finally {
        await other.end();
      }
      expect(await membersOf(target.id)).toEqual([]);
    }
    // Started together, they serialize (or the later one is refused); nothing is copied twice.
    const results = await Promise.allSettled([copyToStaticSegment(w.db, w.marketer, params), copyToStaticSegment(w.db, w.admin, params)]);
    expect(results.some((r) => r.status === "fulfilled")).toBe(true);
    for (const r of results) if (r.status === "rejected") expect((r.reason as Error).message).toContain("already running");
    expect(await membersOf(target.id)).toHaveLength(4);
  });

  it("rolls back everything when the copy fails half-way (the new segment included)", async () => {
    const w = await makeWorld();
    // Make the member insert fail after the new segment's row was written in the same transaction.
    await w.db.execute(sql`create function refuse_members() returns trigger language plpgsql as $$ begin raise exception 'disk full'; end $$`);
    await w.db.execute(sql`create trigger refuse_members before insert on static_segment_members for each statement execute function refuse_members()`);
    try {
      const failed = await copyToStaticSegment(w.db, w.marketer, { source: { segmentId: w.berliners.id }, target: { newName: "Never" } }).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(failed?.message ?? "").toMatch(/disk full|Failed query/);
    } finally {
      await w.db.execute(sql`drop trigger refuse_members on static_segment_members`);
      await w.db.execute(sql`drop function refuse_members()`);
    }
    expect(await w.db.select().from(staticSegments).where(eq(staticSegments.name, "Never"))).toEqual([]);
    expect(await actionLog(w.berliners.id)).toEqual([]);
  });
});
