import { performance } from "node:perf_hooks";
import postgres from "postgres";
import { writeMarkedSection } from "./bench-report";
import { benchArgs, benchmarksFile, benchServerUrl, median, runBenchScript } from "./lib/bench-common";

/**
 * Would partitioning `events` by month help the time-window conditions? Issue 11 asks for figures at
 * 100M events before adopting it. This builds, in a finished benchmark database (by default the 10M
 * profiles / ~100M events one), a copy of `events` partitioned by month on `occurred_at`, with the same
 * three secondary indexes as `events` (created on the parent, so on every partition), and times the
 * best hand-written SQL of the benchmark's time-window questions on both tables, interleaved, median
 * of `--runs`, after a warm-up that checks both give the same answer. The copy is left in place for
 * later runs (`--drop` removes it); the app never reads it.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/segments_bench_10m npx tsx scripts/bench-partitions.ts [--runs 3] [--write] [--drop]
 */
const COPY = "events_by_month";

type Question = { name: string; sql: (events: string) => string };

function questions(databaseId: number, now: Date): Question[] {
  const ago = (days: number) => `'${new Date(now.getTime() - days * 86_400_000).toISOString()}'::timestamptz`;
  const nowSql = `'${now.toISOString()}'::timestamptz`;
  const within = (days: number) => `e.occurred_at >= ${ago(days)} AND e.occurred_at <= ${nowSql}`;
  const db = `${databaseId}`;
  return [
    {
      name: "Opened an email in the last 30 days (distinct profiles)",
      sql: (t) => `SELECT count(DISTINCT e.profile_id)::int AS count FROM ${t} e WHERE e.database_id = ${db} AND e.type = 'opened' AND e.channel = 'email' AND ${within(30)}`,
    },
    {
      name: "Did not open an email in the last 90 days (total minus distinct openers)",
      sql: (t) =>
        `SELECT ((SELECT count(*) FROM profiles p WHERE p.database_id = ${db}) - (SELECT count(DISTINCT e.profile_id) FROM ${t} e WHERE e.database_id = ${db} AND e.type = 'opened' AND e.channel = 'email' AND ${within(90)}))::int AS count`,
    },
    {
      name: "Bought at least 3 times for over 50 in the last 180 days",
      sql: (t) =>
        `SELECT count(*)::int AS count FROM (SELECT e.profile_id FROM ${t} e WHERE e.database_id = ${db} AND e.type = 'purchase' AND ${within(180)} AND (e.properties ->> 'amount')::numeric > 50 GROUP BY e.profile_id HAVING count(*) >= 3) x`,
    },
    {
      name: "Lapsed buyers: bought before, but not in the last 180 days",
      sql: (t) =>
        `SELECT count(*)::int AS count FROM (SELECT e.profile_id FROM ${t} e WHERE e.database_id = ${db} AND e.type = 'purchase' GROUP BY e.profile_id HAVING max(e.occurred_at) < ${ago(180)}) x`,
    },
    {
      name: "Bought anything in the last 7 days (distinct profiles)",
      sql: (t) => `SELECT count(DISTINCT e.profile_id)::int AS count FROM ${t} e WHERE e.database_id = ${db} AND e.type = 'purchase' AND ${within(7)}`,
    },
    {
      name: "Page views in the last 30 days, all channels (events counted)",
      sql: (t) => `SELECT count(*)::int AS count FROM ${t} e WHERE e.database_id = ${db} AND e.type = 'page_view' AND ${within(30)}`,
    },
  ];
}


async function build(client: postgres.Sql, log: (m: string) => void): Promise<number | null> {
  const [exists] = await client<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_class WHERE relname = ${COPY}`;
  if (exists.n) return null;
  const started = performance.now();
  const [range] = await client<{ lo: Date; hi: Date }[]>`SELECT date_trunc('month', min(occurred_at)) AS lo, max(occurred_at) AS hi FROM events`;
  await client.unsafe(`SET maintenance_work_mem = '1GB'`);
  await client.unsafe(`CREATE TABLE ${COPY} (LIKE events INCLUDING DEFAULTS) PARTITION BY RANGE (occurred_at)`);
  for (let m = new Date(range.lo); m <= range.hi; m = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1))) {
    const next = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1));
    const name = `${COPY}_${m.toISOString().slice(0, 7).replace("-", "_")}`;
    await client.unsafe(`CREATE TABLE ${name} PARTITION OF ${COPY} FOR VALUES FROM ('${m.toISOString()}') TO ('${next.toISOString()}')`);
  }
  await client.unsafe(`CREATE TABLE ${COPY}_other PARTITION OF ${COPY} DEFAULT`);
  log("copying events into monthly partitions");
  await client.unsafe(`INSERT INTO ${COPY} SELECT * FROM events`);
  log(`copied (${((performance.now() - started) / 1000).toFixed(0)} s); indexes`);
  const indexes = await client<{ def: string; name: string }[]>`SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE tablename = 'events' AND indexname <> 'events_pkey'`;
  for (const { def, name } of indexes) {
    await client.unsafe(def.replace(`INDEX ${name} ON public.events`, `INDEX ${name.replace("events_", `${COPY}_`)} ON public.${COPY}`));
    log(`  ${name} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
  await client.unsafe(`VACUUM (ANALYZE) ${COPY}`);
  return (performance.now() - started) / 1000;
}

async function main(): Promise<number> {
  const { has, option } = benchArgs();
  const url = benchServerUrl();
  if (!url) {
    console.error("Set DATABASE_URL to a finished benchmark database (e.g. …/segments_bench_10m).");
    return 1;
  }
  const runs = Math.max(1, Number(option("--runs") ?? 3) || 3);
  const client = postgres(url, { max: 1, prepare: false, onnotice: () => {} });
  try {
    if (has("--drop")) {
      await client.unsafe(`DROP TABLE IF EXISTS ${COPY}`);
      return 0;
    }
    const [meta] = await client<{ comment: string | null; databaseId: number; events: number; profiles: number }[]>`
      SELECT shobj_description((SELECT oid FROM pg_database WHERE datname = current_database()), 'pg_database') AS comment,
             (SELECT id FROM profile_databases WHERE name = 'Retail customers') AS "databaseId",
             (SELECT reltuples::bigint FROM pg_class WHERE relname = 'events') AS events,
             (SELECT count(*)::int FROM profiles) AS profiles`;
    const seeded = meta.comment?.match(/seeded=(\S+)/)?.[1];
    if (!seeded) {
      console.error("Not a finished benchmark database.");
      return 1;
    }
    const buildSeconds = await build(client, (m) => console.log(m));
    const [sizes] = await client<{ plain: string; parted: string; partitions: number }[]>`
      SELECT pg_size_pretty(pg_total_relation_size('events')) AS plain,
             pg_size_pretty((SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent = ${COPY}::regclass)::bigint) AS parted,
             (SELECT count(*)::int FROM pg_inherits WHERE inhparent = ${COPY}::regclass) AS partitions`;
    const qs = questions(meta.databaseId, new Date(seeded));
    const rows: { name: string; plain: number; parted: number; count: number; plan: string }[] = [];
    const time = async (text: string) => {
      const t = performance.now();
      const [r] = await client.unsafe(text);
      return { ms: performance.now() - t, count: Number((r as unknown as { count: number }).count) };
    };
    for (const q of qs) {
      const a = await time(q.sql("events"));
      const b = await time(q.sql(COPY));
      if (a.count !== b.count) throw new Error(`${q.name}: events answers ${a.count}, ${COPY} ${b.count}`);
      const plain: number[] = [];
      const parted: number[] = [];
      for (let i = 0; i < runs; i++) {
        const first = i % 2 === 0;
        if (first) plain.push((await time(q.sql("events"))).ms);
        parted.push((await time(q.sql(COPY))).ms);
        if (!first) plain.push((await time(q.sql("events"))).ms);
      }
      const explain = (await client.unsafe(`EXPLAIN (COSTS OFF) ${q.sql(COPY)}`)) as unknown as { "QUERY PLAN": string }[];
      // Partitions the plan reads (table names; index names of partitions carry a longer suffix).
      const read = new Set(explain.flatMap((l) => [...l["QUERY PLAN"].matchAll(/ on (events_by_month_(?:\d{4}_\d{2}|other))(?= |$)/g)].map((m) => m[1])));
      rows.push({ name: q.name, plain: median(plain), parted: median(parted), count: a.count, plan: `${read.size} of ${sizes.partitions}` });
      console.log(`  ${q.name}: ${median(plain).toFixed(0)} ms plain, ${median(parted).toFixed(0)} ms partitioned (${a.count})`);
    }
    const load = (await import("node:os")).loadavg()[0].toFixed(1);
    const section = [
      `## Partitioning \`events\` by month: evaluated at ${Number(meta.events) >= 50_000_000 ? "100M" : `${Math.round(Number(meta.events) / 1_000_000)}M`} events`,
      "",
      `Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC by \`scripts/bench-partitions.ts\` on \`${new URL(url).pathname.slice(1)}\` (${meta.profiles.toLocaleString("en")} profiles, ~${Number(meta.events).toLocaleString("en")} events over one year). A copy of \`events\` partitioned by month on \`occurred_at\` (${sizes.partitions} partitions, ${sizes.parted} with its indexes, against ${sizes.plain} for \`events\`)${buildSeconds === null ? "" : `, built in ${Math.round(buildSeconds)} s`}, with the same three secondary indexes, and the best hand-written SQL of the time-window questions run on both, interleaved, median of ${runs}, answers checked equal. Load average at the end: ${load} on 2 cores.`,
      "",
      "| question | count | `events` ms | partitioned ms | partitioned ÷ plain | partitions read |",
      "| --- | ---: | ---: | ---: | ---: | --- |",
      ...rows.map((r) => `| ${r.name} | ${r.count.toLocaleString("en")} | ${Math.round(r.plain).toLocaleString("en")} | ${Math.round(r.parted).toLocaleString("en")} | ${(r.parted / r.plain).toFixed(2)} | ${r.plan} |`),
      "",
    ].join("\n");
    console.log(`\n${section}`);
    if (has("--write")) writeMarkedSection(benchmarksFile(), "bench-partitions", section);
    return 0;
  } finally {
    await client.end();
  }
}

runBenchScript(import.meta.filename, main);
