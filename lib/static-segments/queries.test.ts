import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { makeStaticSegment, makeWorld, rejection } from "@/lib/segment-actions/testing";
import { createStaticSegment, getStaticSegment, listStaticSegmentMembers, listStaticSegments, removeStaticSegmentMembers } from "./queries";

describe("static segments", () => {
  it("creates a segment in a visible database and lists it with its member count", async () => {
    const w = await makeWorld();
    const created = await createStaticSegment(w.db, w.marketer, { name: "  Spring invitees ", databaseId: w.source.id, accessGroupIds: [w.team.id] });
    expect(created.name).toBe("Spring invitees");
    await w.db.execute(sql`insert into static_segment_members (segment_id, profile_id) values (${created.id}, ${w.ids[0]}), (${created.id}, ${w.ids[2]})`);
    const listed = (await listStaticSegments(w.db, w.marketer)).find((s) => s.id === created.id);
    expect(listed).toMatchObject({ name: "Spring invitees", databaseName: w.source.name, memberCount: 2 });
    // its access group hides it from an outsider
    expect((await listStaticSegments(w.db, w.outsider)).map((s) => s.id)).not.toContain(created.id);
    expect((await rejection(getStaticSegment(w.db, w.outsider, created.id))).code).toBe("not_found");
  });

  it("refuses an invisible database, a twin name, and groups the user is not in", async () => {
    const w = await makeWorld();
    expect((await rejection(createStaticSegment(w.db, w.outsider, { name: "X", databaseId: w.hidden.id }))).code).toBe("not_found");
    await createStaticSegment(w.db, w.marketer, { name: "Twin", databaseId: w.source.id });
    expect((await rejection(createStaticSegment(w.db, w.marketer, { name: "twin", databaseId: w.source.id }))).code).toBe("conflict");
    expect((await rejection(createStaticSegment(w.db, w.outsider, { name: "Grouped", databaseId: w.source.id, accessGroupIds: [w.team.id] }))).issues[0].path).toBe("accessGroupIds");
    expect((await rejection(createStaticSegment(w.db, w.marketer, { name: "", databaseId: w.source.id }))).issues[0].path).toBe("name");
  });

  it("pages members in id order and removes chosen members", async () => {
    const w = await makeWorld();
    const segment = await makeStaticSegment(w.source.id);
    await w.db.execute(sql`insert into static_segment_members (segment_id, profile_id) select ${segment.id}, id from profiles where database_id = ${w.source.id}`);
    const first = await listStaticSegmentMembers(w.db, w.marketer, segment.id, { pageSize: 4 });
    expect(first.members.map((m) => m.id)).toEqual(w.ids.slice(0, 4));
    expect(first.hasMore).toBe(true);
    const second = await listStaticSegmentMembers(w.db, w.marketer, segment.id, { pageSize: 4, afterId: w.ids[3] });
    expect(second).toMatchObject({ hasMore: false });
    expect(second.members.map((m) => m.id)).toEqual(w.ids.slice(4));
    expect(await removeStaticSegmentMembers(w.db, w.marketer, segment.id, [w.ids[0], w.ids[1], 999_999_999])).toEqual({ removed: 2 });
    expect((await getStaticSegment(w.db, w.marketer, segment.id)).memberCount).toBe(4);
    expect((await rejection(removeStaticSegmentMembers(w.db, w.marketer, segment.id, []))).issues[0].path).toBe("profileIds");
    const binned = await makeStaticSegment(w.source.id, { binned: true });
    expect((await rejection(listStaticSegmentMembers(w.db, w.marketer, binned.id))).code).toBe("not_found");
  });
});
