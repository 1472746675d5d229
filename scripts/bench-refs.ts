import { sql } from "drizzle-orm";
import { queryRows, type Db } from "@/db/client";
import { dynamicSegments } from "@/db/schema";
import type { ActingUser } from "@/lib/access/acting-user";
import { benchSegments, type BenchRefs } from "./bench-cases";

/** Who the benchmarks act as: an admin, so that access checks pass as they would for a real user. */
export const BENCH_ADMIN: ActingUser = { id: 0, email: "bench@localhost", name: "Benchmark", role: "admin", groupIds: [], leadGroupIds: [] };

/**
 * What the benchmark's questions refer to in the seeded database — mailings, saved dynamic segments (the
 * demo's, plus the bench's own nested-segment fixtures, created here once) and static segments — by name.
 */
export async function benchRefs(db: Db, databaseId: number, now: Date): Promise<BenchRefs> {
  const segments = await ensureBenchSegments(db, databaseId);
  const mailings = await queryRows<{ id: number; name: string }>(db, sql`SELECT id, name FROM mailings WHERE database_id = ${databaseId}`);
  const statics = await queryRows<{ id: number; name: string }>(db, sql`SELECT id, name FROM static_segments WHERE database_id = ${databaseId} AND deleted_at IS NULL`);
  const byName = (kind: string, list: { id: number; name: string }[]) => (name: string) => {
    const found = list.find((x) => x.name === name);
    if (!found) throw new Error(`The benchmark database has no ${kind} "${name}": reseed it with --reseed`);
    return Number(found.id);
  };
  return {
    databaseId,
    now,
    mailing: byName("mailing", mailings),
    segment: byName("dynamic segment", segments),
    staticSegment: byName("static segment", statics),
  };
}

async function ensureBenchSegments(db: Db, databaseId: number): Promise<{ id: number; name: string }[]> {
  const list = () => queryRows<{ id: number; name: string }>(db, sql`SELECT id, name FROM dynamic_segments WHERE database_id = ${databaseId} AND deleted_at IS NULL`);
  let existing = await list();
  const idOf = (name: string) => Number(existing.find((x) => x.name === name)?.id ?? 0);
  for (const name of benchSegments(idOf).map((s) => s.name)) {
    if (idOf(name)) continue;
    // Built after the ones before it exist: a later segment refers to an earlier one by id.
    const segment = benchSegments(idOf).find((s) => s.name === name)!;
    await db.insert(dynamicSegments).values({ name: segment.name, databaseId, conditions: segment.conditions, limit: segment.limit });
    existing = await list();
  }
  return existing;
}
