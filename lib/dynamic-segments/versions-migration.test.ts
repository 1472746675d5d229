import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { dynamicSegments } from "@/db/schema";
import { makeDatabase, makeUser } from "@/db/testing/fixtures";
import { listSegmentVersions } from "./versions";

/** The statements of migration 0010 that start with `prefix` (its backfill of existing rows). */
function migrationStatement(prefix: string): string {
  const file = readFileSync(path.resolve(import.meta.dirname, "../../drizzle/0010_segment_versions.sql"), "utf8");
  const found = file
    .split("--> statement-breakpoint")
    .map((s) => s.replace(/^(\s*--[^\n]*\n)+/g, "").trim())
    .find((s) => s.startsWith(prefix));
  if (!found) throw new Error(`No statement starting with ${prefix}`);
  return found;
}

describe("migration 0010", () => {
  it("gives every segment that existed before it version 1: its definition, creator, last change and count", async () => {
    const db = await getDb();
    const author = await makeUser("admin");
    const databaseId = (await makeDatabase()).id;
    // Segments as they were before versions existed: rows without any version.
    const [old] = await db
      .insert(dynamicSegments)
      .values({ name: "Before versions", databaseId, rangeFrom: 10, rangeTo: 30, limit: 7, conditions: { groups: [] }, createdBy: author.id, lastCount: 5, updatedAt: new Date("2026-01-02T03:04:05Z") })
      .returning();
    await db.execute(sql.raw(migrationStatement('INSERT INTO "segment_versions"')));
    const [v1] = await listSegmentVersions(db, author, old.id);
    expect(v1).toMatchObject({ n: 1, createdBy: author.id, range: { from: 10, to: 30 }, limit: 7, count: 5, conditions: { groups: [] } });
    expect(v1.createdAt.toISOString()).toBe("2026-01-02T03:04:05.000Z");
  });
});
