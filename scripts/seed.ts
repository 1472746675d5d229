import { closeDb, databaseKind, getHandle } from "@/db/client";
import { migrateDb } from "@/db/migrate";
import { checkSeedRequest, parseSeedArgs, seedDemoData } from "@/db/seed";
import { countUsers } from "@/db/seed/bulk";
import { seedUsage } from "@/db/seed/options";

/** `npm run db:seed -- [--seed N] [--profiles N] [--reset]`: migrate, then load the demo data. */
async function main(): Promise<number> {
  const parsed = parseSeedArgs(process.argv.slice(2));
  if (!parsed.ok) {
    console.error(`${parsed.message}\n\n${seedUsage}`);
    return 2;
  }
  const { args } = parsed;
  if (args.help) {
    console.log(seedUsage);
    return 0;
  }

  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  // The size rule first, before the embedded database is even opened.
  const early = checkSeedRequest({ driver: databaseKind(), profiles: args.profiles, reset: args.reset, existingUsers: 0 });
  if (!early.ok) {
    console.error(early.message);
    return 1;
  }
  const handle = await getHandle();
  const target = handle.driver === "postgres" ? "PostgreSQL (DATABASE_URL)" : "the embedded database";
  console.log(`  [${elapsed()}] opened ${target}`);
  await migrateDb();
  console.log(`  [${elapsed()}] migrations applied`);
  const check = checkSeedRequest({
    driver: handle.driver,
    profiles: args.profiles,
    reset: args.reset,
    existingUsers: await countUsers(handle.db),
  });
  if (!check.ok) {
    console.error(check.message);
    return 1;
  }

  console.log(`Seeding ${target}: ${args.profiles.toLocaleString("en")} profiles, seed ${args.seed}${args.reset ? ", after emptying all app tables" : ""}`);
  const summary = await seedDemoData(handle.db, {
    seed: args.seed,
    profiles: args.profiles,
    reset: args.reset,
    onProgress: (message) => console.log(`  [${elapsed()}] ${message}`),
  });
  console.log(
    `Done in ${elapsed()}: ${summary.users} users, ` +
      `${summary.profiles.retail.toLocaleString("en")} retail + ${summary.profiles.wholesale.toLocaleString("en")} wholesale profiles, ` +
      `${summary.events.toLocaleString("en")} events, ${summary.mailings} mailings, ${summary.dynamicSegments} dynamic segments, ` +
      `${summary.staticSegmentMembers.toLocaleString("en")} static segment members, ` +
      `${summary.scenarioParticipants.toLocaleString("en")} scenario participants.\n` +
      `Sign in as admin@example.com, lead@example.com or marketer@example.com with password demo1234.`,
  );
  return 0;
}

main()
  .then(async (code) => {
    await closeDb();
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    const e = error as { message?: string; code?: string; cause?: { message?: string } };
    console.error(`Seeding failed, nothing was changed: ${e?.cause?.message ?? e?.message ?? String(error)}`);
    await closeDb().catch(() => {});
    process.exit(1);
  });
