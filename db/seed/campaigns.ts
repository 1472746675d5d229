import { sql } from "drizzle-orm";
import type { Db } from "../client";
import { mailings, scenarios } from "../schema";
import { retailMailings, wholesaleMailings } from "./catalog";
import { type SeedContext } from "./context";
import type { SentMailing } from "./events";
import { affectedRows } from "./bulk";
import { int } from "./random";

const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * 86_400_000);

export type SeededMailings = { retail: SentMailing[]; wholesale: SentMailing[] };

/** The mailings of both databases; inserted before the events, which point at them. */
export async function seedMailings(
  db: Db,
  databases: { retailId: number; wholesaleId: number },
  createdBy: number,
  now: Date,
): Promise<SeededMailings> {
  const insert = async (databaseId: number, list: typeof retailMailings) => {
    const rows = await db
      .insert(mailings)
      .values(list.map((m) => ({ name: m.name, databaseId, createdBy, createdAt: daysBefore(now, m.daysAgo + 3) })))
      .returning({ id: mailings.id });
    return list.map((m, i) => ({ ...m, id: rows[i].id }));
  };
  return { retail: await insert(databases.retailId, retailMailings), wholesale: await insert(databases.wholesaleId, wholesaleMailings) };
}

/** Points mailings at the dynamic segment they were sent to (a "Dependent objects" example). */
export async function linkMailingToSegment(db: Db, mailingId: number, segmentId: number): Promise<void> {
  await db.execute(sql`UPDATE mailings SET segment_id = ${segmentId} WHERE id = ${mailingId}`);
}

type ScenarioPlan = {
  name: string;
  databaseId: number;
  segmentId: number | null;
  daysAgo: number;
  /** Which profiles of the database take part: a predicate on `p` (profiles), at most `limit`, lowest ids first. */
  participants: ReturnType<typeof sql>;
  limit: number;
};

/** Scenarios with participants drawn from the data itself (newcomers, lapsed buyers, …). */
export async function seedScenarios(db: Db, ctx: SeedContext, plans: readonly ScenarioPlan[], createdBy: number): Promise<number> {
  let participants = 0;
  for (const plan of plans) {
    const [row] = await db
      .insert(scenarios)
      .values({
        name: plan.name,
        databaseId: plan.databaseId,
        segmentId: plan.segmentId,
        createdBy,
        createdAt: daysBefore(ctx.now, plan.daysAgo),
      })
      .returning({ id: scenarios.id });
    const result = await db.execute(sql`
      INSERT INTO scenario_participants (scenario_id, profile_id, added_at)
      SELECT ${int(row.id)}, p.id, greatest(p.created_at, ${ctx.nowSql} - (p.id % ${int(plan.daysAgo)}) * interval '1 day')
      FROM profiles p
      WHERE p.database_id = ${int(plan.databaseId)} AND (${plan.participants})
      ORDER BY p.id
      LIMIT ${int(plan.limit)}
    `);
    participants += affectedRows(result);
  }
  return participants;
}

export type { ScenarioPlan };
