import { sql } from "drizzle-orm";
import type { Db } from "../client";
import { queryRows } from "../client";
import { wholesaleShare, type DatabaseKind } from "./catalog";
import { syncIdentity, truncateAppTables, vacuumAnalyze, withIndexesDeferred } from "./bulk";
import { linkMailingToSegment, seedMailings, seedScenarios } from "./campaigns";
import { createSeedContext, type ProfileBlock } from "./context";
import { seedProfileDatabases } from "./databases";
import { insertEvents } from "./events";
import { mustGet } from "./lookup";
import { insertProfiles } from "./profiles";
import { seedDynamicSegments, seedStaticSegment } from "./segments";
import { seedUsersAndGroups } from "./users";

export { checkSeedRequest, parseSeedArgs, DEFAULT_PROFILES, EMBEDDED_MAX_PROFILES } from "./options";

export type SeedOptions = {
  /** Same seed (and same `now`) ⇒ the same rows, ids included. */
  seed: number;
  /** Total profiles over both databases (most in "Retail customers"). */
  profiles: number;
  /** The moment demo times are relative to; defaults to the start of the current UTC day. */
  now?: Date;
  /** Empty every app table first, in the same transaction (so a failed reseed keeps the old data). */
  reset?: boolean;
  onProgress?: (message: string) => void;
};

export type SeedSummary = {
  users: number;
  profiles: { retail: number; wholesale: number };
  events: number;
  mailings: number;
  dynamicSegments: number;
  staticSegmentMembers: number;
  scenarioParticipants: number;
};

/** Profiles per statement: about a million events at a time, so progress shows on big loads. */
const CHUNK = 100_000;

export function startOfUtcDay(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

function blocksOf(databaseId: number, kind: DatabaseKind, from: number, to: number, idBase: number): ProfileBlock[] {
  const blocks: ProfileBlock[] = [];
  for (let start = from; start <= to; start += CHUNK)
    blocks.push({ databaseId, kind, from: start, to: Math.min(to, start + CHUNK - 1), idBase });
  return blocks;
}

/**
 * Fills an empty database with the demo: users and access groups, two profile databases, profiles
 * with subscriptions and about ten events each, mailings, scenarios, a static segment and saved
 * dynamic segments. Set-based (one INSERT … SELECT per block of 100,000 profiles) and deterministic.
 * Everything is written in one transaction, so a failure leaves nothing half-written; `db` must
 * therefore be the database, not a transaction. Statistics are refreshed after the commit.
 */
export async function seedDemoData(db: Db, options: SeedOptions): Promise<SeedSummary> {
  const { seed, profiles: total } = options;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`seed must be a whole number ≥ 0, got ${seed}`);
  if (!Number.isSafeInteger(total) || total < 10) throw new Error(`profiles must be a whole number ≥ 10, got ${total}`);
  const progress = options.onProgress ?? (() => {});
  const ctx = createSeedContext(seed, options.now ?? startOfUtcDay(new Date()));
  const wholesale = wholesaleShare(total);
  const retail = total - wholesale;

  const summary = await db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL statement_timeout = 0`);
    await tx.execute(sql`SET LOCAL synchronous_commit = off`);
    // Compiling each generator statement costs more than it saves at these sizes.
    await tx.execute(sql`SET LOCAL jit = off`);
    // Index builds over millions of rows sort in memory instead of spilling to disk.
    if (total >= 100_000) await tx.execute(sql`SET LOCAL maintenance_work_mem = '1GB'`);
    if (options.reset) {
      await truncateAppTables(tx);
      progress("emptied all app tables");
    }

    const people = await seedUsersAndGroups(tx, seed, ctx.now);
    const admin = mustGet(people.byEmail, "admin@example.com");
    const marketer = mustGet(people.byEmail, "marketer@example.com");
    const databases = await seedProfileDatabases(tx, people.groupsByName, ctx.now);
    const sent = await seedMailings(tx, databases, marketer, ctx.now);
    progress("users, access groups, profile databases and mailings");

    const [last] = await queryRows<{ profile: number; event: number }>(
      tx,
      sql`SELECT (SELECT coalesce(max(id), 0) FROM profiles)::int AS profile, (SELECT coalesce(max(id), 0) FROM events)::int AS event`,
    );
    const blocks = [
      ...blocksOf(databases.retailId, "retail", 1, retail, last.profile),
      ...blocksOf(databases.wholesaleId, "wholesale", retail + 1, total, last.profile),
    ];
    const mailingsOf = (block: ProfileBlock) => (block.kind === "retail" ? sent.retail : sent.wholesale);
    const emailMailings = (block: ProfileBlock) => mailingsOf(block).filter((m) => m.channel === "email").length;

    const events = await withIndexesDeferred(
      tx,
      ["profiles", "events"],
      async () => {
        for (const block of blocks) {
          await insertProfiles(tx, ctx, block, emailMailings(block));
          progress(`profiles ${block.to.toLocaleString("en")} / ${total.toLocaleString("en")}`);
        }
        let inserted = 0;
        for (const block of blocks) {
          inserted += await insertEvents(tx, ctx, block, mailingsOf(block), last.event + inserted + 1);
          progress(`events of ${block.to.toLocaleString("en")} / ${total.toLocaleString("en")} profiles (${inserted.toLocaleString("en")} events)`);
        }
        return inserted;
      },
      (step) => progress(step),
    );
    await syncIdentity(tx, "profiles");
    await syncIdentity(tx, "events");

    const segmentIds = await seedDynamicSegments(tx, ctx, {
      databaseIds: { retail: databases.retailId, wholesale: databases.wholesaleId },
      users: people.byEmail,
      groups: people.groupsByName,
    });
    const segment = (name: string) => mustGet(segmentIds, name);
    const mailing = (list: typeof sent.retail, name: string) => {
      const found = list.find((m) => m.name === name);
      if (!found) throw new Error(`seed: no mailing ${name}`);
      return found.id;
    };
    await linkMailingToSegment(tx, mailing(sent.retail, "Loyalty points reminder"), segment("Berlin VIPs"));
    await linkMailingToSegment(tx, mailing(sent.retail, "Weekly picks"), segment("Engaged openers"));
    await linkMailingToSegment(tx, mailing(sent.wholesale, "Price list update"), segment("Verified key accounts"));

    const staticSegmentMembers = await seedStaticSegment(tx, ctx, databases.retailId, marketer);
    const scenarioParticipants = await seedScenarios(
      tx,
      ctx,
      [
        {
          name: "Welcome journey",
          databaseId: databases.retailId,
          segmentId: null,
          daysAgo: 200,
          participants: sql`p.created_at > ${ctx.nowSql} - interval '60 days'`,
          limit: 5000,
        },
        {
          name: "Win-back lapsed buyers",
          databaseId: databases.retailId,
          segmentId: segment("Lapsed buyers"),
          daysAgo: 90,
          participants: sql`p.fields->>'last_order_at' < to_char((${ctx.nowSql} - interval '180 days') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`,
          limit: 3000,
        },
        {
          name: "Birthday greetings",
          databaseId: databases.retailId,
          segmentId: null,
          daysAgo: 300,
          participants: sql`substr(p.fields->>'birthday', 6, 2) = to_char(${ctx.nowSql} AT TIME ZONE 'UTC', 'MM')`,
          limit: 3000,
        },
        {
          name: "Partner onboarding",
          databaseId: databases.wholesaleId,
          segmentId: null,
          daysAgo: 120,
          participants: sql`p.fields->>'contract_start' > to_char((${ctx.nowSql} - interval '365 days') AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
          limit: 500,
        },
      ],
      admin,
    );

    return {
      users: people.byEmail.size,
      profiles: { retail, wholesale },
      events,
      mailings: sent.retail.length + sent.wholesale.length,
      dynamicSegments: segmentIds.size,
      staticSegmentMembers,
      scenarioParticipants,
    };
  });

  progress("vacuum and analyze");
  await vacuumAnalyze(db);
  return summary;
}

