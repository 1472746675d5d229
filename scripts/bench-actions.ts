/**
 * Benchmarks of the actions on a selection (issue 5), against what a person would write by hand:
 *
 *   copy 500,000 profiles to a static segment   vs  INSERT … SELECT          (target ≤ 1.2×)
 *   bulk edit 200,000 profiles with history      vs  plain UPDATE            (target ≤ 2.0×)
 *   export the Retail database (995,000 profiles in the standard bench database) as CSV over HTTP
 *                                                vs  psql COPY (…) TO STDOUT WITH CSV
 *                                                    (throughput ≥ 0.5×, server memory growth < 150 MB)
 *
 * `benchActions()` runs them on a seeded benchmark database (the main `npm run bench` makes one);
 * `tsx --conditions=react-server scripts/bench-actions.ts` alone uses (or seeds) the same database. Everything it writes is
 * removed again and the touched profiles are restored, so the selection benchmark is unaffected.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { once } from "node:events";
import { createServer } from "node:http";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import { benchArgs, benchServerUrl, median, timed } from "./lib/bench-common";

export type ActionBenchRow = {
  name: string;
  detail: string;
  engineMs: number;
  handMs: number;
  ratio: number;
  target: string;
  met: boolean;
  extra?: string;
};

export type ActionBenchResult = { rows: ActionBenchRow[]; profiles: number; startedAt: Date; notes: string[] };

/** Wall-clock milliseconds of `run`. */
const elapsed = async (run: () => Promise<unknown>): Promise<number> => (await timed(run)).ms;

/** A row whose target is a ratio: the engine's median over the hand-written statement's, at most `limit`×. */
function ratioRow(engine: number[], hand: number[], limit: number, row: Pick<ActionBenchRow, "name" | "detail" | "extra">): ActionBenchRow {
  const engineMs = median(engine);
  const handMs = median(hand);
  const ratio = engineMs / handMs;
  return { name: row.name, detail: row.detail, engineMs, handMs, ratio, target: `≤ ${limit.toFixed(1)}×`, met: ratio <= limit, extra: row.extra };
}

const SERVE_FLAG = "--serve-export";

/** The child process: an HTTP server streaming a selection's CSV export (the export job's own chunks), as a route handler would. */
async function serveExport(): Promise<void> {
  const { getDb } = await import("@/db/client");
  const { loadActingUser } = await import("@/lib/access/acting-user");
  const { databaseFields } = await import("@/lib/databases/queries");
  const { profileColumns } = await import("@/lib/export");
  const { resolveSource } = await import("@/lib/segment-actions/common");
  const { exportChunks } = await import("@/lib/segment-actions/export-profiles");
  const db = await getDb();
  const userId = Number(process.env.BENCH_USER_ID);
  const server = createServer(async (request, response) => {
    try {
      const url = new URL(request.url ?? "/", "http://localhost");
      const user = (await loadActingUser(db, userId))!;
      const databaseId = Number(url.searchParams.get("database"));
      const limit = url.searchParams.get("limit") ? Number(url.searchParams.get("limit")) : null;
      const source = await resolveSource(db, user, { rule: { databaseId, limit } });
      const columns = profileColumns((await databaseFields(db, databaseId)).map((f) => f.key));
      if (!columns.ok) throw new Error("columns");
      const options = { format: "csv" as const, columns: columns.columns };
      response.writeHead(200, { "Content-Type": "text/csv; charset=utf-8" });
      let rows = 0;
      for await (const chunk of exportChunks(db, source, options, { onRows: (n) => (rows = n) })) {
        if (!response.write(chunk)) await once(response, "drain");
      }
      response.end();
      process.stdout.write(`rows ${rows}\n`);
    } catch (error) {
      console.error(error);
      response.destroy(error as Error);
    }
  });
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    process.stdout.write(`ready ${typeof address === "object" && address ? address.port : 0}\n`);
  });
}

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}

/** The number of rows the child server reports after its next finished export. */
function nextRowCount(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const listen = (chunk: Buffer) => {
      const m = /rows (\d+)/.exec(chunk.toString());
      if (!m) return;
      child.stdout!.off("data", listen);
      resolve(Number(m[1]));
    };
    child.stdout!.on("data", listen);
  });
}

/**
 * Downloads an export from the child server with curl (a C client discarding the body, as psql is on
 * the other side), falling back to fetch; answers time, bytes, rows and the child's peak RSS growth.
 */
async function download(child: ChildProcess, port: number, query: string) {
  const before = rssBytes(child.pid!);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(child.pid!))), 20);
  const reported = nextRowCount(child);
  const url = `http://127.0.0.1:${port}/export?${query}`;
  const started = performance.now();
  let bytes = 0;
  const curl = spawn("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code} %{size_download}", url], { stdio: ["ignore", "pipe", "inherit"] });
  const curlOut: Buffer[] = [];
  curl.stdout.on("data", (c: Buffer) => curlOut.push(c));
  const [code] = (await once(curl, "close").catch(() => [-1])) as [number | null];
  if (code === 0) {
    const [status, size] = Buffer.concat(curlOut).toString().split(" ");
    if (status !== "200") throw new Error(`export answered ${status}`);
    bytes = Number(size);
  } else {
    const response = await fetch(url);
    const reader = response.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
    }
  }
  const ms = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, rssBytes(child.pid!));
  return { ms, bytes, lines: (await reported) + 1, growth: peak - before };
}

/** psql's COPY of the same columns, output discarded: the yardstick for export throughput. */
async function psqlCopy(url: string, query: string): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const psql = spawn("psql", [url, "-X", "-q", "-c", `COPY (${query}) TO STDOUT WITH CSV HEADER`], { stdio: ["ignore", "pipe", "inherit"] });
  let bytes = 0;
  psql.stdout.on("data", (chunk: Buffer) => (bytes += chunk.length));
  const [code] = await once(psql, "exit");
  if (code !== 0) throw new Error(`psql exited with ${code}`);
  return { ms: performance.now() - started, bytes };
}

export async function benchActions(opts: { runs?: number; log?: (message: string) => void } = {}): Promise<ActionBenchResult> {
  const log = opts.log ?? ((m: string) => console.log(m));
  const runs = Math.max(1, opts.runs ?? 3);
  const { getDb, queryRows } = await import("@/db/client");
  const { loadActingUser } = await import("@/lib/access/acting-user");
  const { copyToStaticSegment } = await import("@/lib/segment-actions/copy-to-static-segment");
  const { applyBulkEdit } = await import("@/lib/segment-actions/bulk-edit");
  const { databaseFields } = await import("@/lib/databases/queries");
  const db = await getDb();
  const startedAt = new Date();
  const notes: string[] = [];

  const [retail] = await queryRows<{ id: number; n: number }>(
    db,
    sql`select d.id, (select count(*)::int from profiles p where p.database_id = d.id) as n from profile_databases d where d.name = 'Retail customers'`,
  );
  const [admin] = await queryRows<{ id: number }>(db, sql`select id from users where role = 'admin' and active order by id limit 1`);
  if (!retail || !admin) throw new Error("The benchmark database has no 'Retail customers' database or no admin: seed it first (npm run bench does).");
  const user = (await loadActingUser(db, admin.id))!;
  const total = (
    await queryRows<{ n: number }>(db, sql`select count(*)::int as n from profiles`)
  )[0].n;
  log(`Actions benchmark on ${total.toLocaleString("en-US")} profiles (Retail customers: ${retail.n.toLocaleString("en-US")}), ${runs} run(s) each`);
  const rows: ActionBenchRow[] = [];

  // ── Copy 500,000 profiles to a static segment ─────────────────────────────────────────────────
  const COPY = Math.min(500_000, retail.n);
  const newSegment = async (name: string) =>
    (await queryRows<{ id: number }>(db, sql`insert into static_segments (name, database_id) values (${name}, ${retail.id}) returning id`))[0].id;
  const dropSegments = () => db.execute(sql`delete from static_segments where name like 'bench-actions %'`);
  await dropSegments();
  const copyEngine: number[] = [];
  const copyHand: number[] = [];
  for (let run = 0; run < runs; run++) {
    const engine = async () => {
      const a = await newSegment(`bench-actions engine ${run}`);
      copyEngine.push(
        await elapsed(() => copyToStaticSegment(db, user, { source: { rule: { databaseId: retail.id, limit: COPY } }, target: { staticSegmentId: a } })),
      );
    };
    const hand = async () => {
      const b = await newSegment(`bench-actions hand ${run}`);
      copyHand.push(
        await elapsed(() =>
          db.execute(sql`insert into static_segment_members (segment_id, profile_id)
            select ${b}::int, id from profiles where database_id = ${retail.id}::int order by id limit ${COPY}::int`),
        ),
      );
    };
    // Alternate which goes first, so that neither always meets the warmer cache.
    if (run % 2 === 0) await engine().then(hand);
    else await hand().then(engine);
    await dropSegments();
    await db.execute(sql`vacuum static_segment_members`);
    log(`  copy ${run + 1}/${runs}: engine ${copyEngine[run].toFixed(0)} ms, by hand ${copyHand[run].toFixed(0)} ms`);
  }
  await db.execute(sql`vacuum analyze static_segment_members`);
  rows.push(
    ratioRow(copyEngine, copyHand, 1.2, {
      name: "Copy to static segment",
      detail: `${COPY.toLocaleString("en-US")} profiles (first ids of Retail customers)`,
      extra: "engine: access checks, count, advisory lock, INSERT … SELECT with its own counts, update log",
    }),
  );

  // ── Bulk edit 200,000 profiles with history ─────────────────────────────────────────────────────
  const EDIT = Math.min(200_000, retail.n);
  const field = (await databaseFields(db, retail.id)).find((f) => f.key === "birthday") ? "birthday" : null;
  if (!field) throw new Error("The Retail database has no 'birthday' field.");
  await db.execute(sql`drop table if exists bench_actions_backup`);
  await db.execute(sql`create unlogged table bench_actions_backup as
    select id, fields -> 'birthday' as birthday, updated_at from profiles where database_id = ${retail.id}::int order by id limit ${EDIT}::int`);
  const editEngine: number[] = [];
  const editHand: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const day = (n: number) => `19${String(70 + run).padStart(2, "0")}-0${n}-15`;
      const engine = async () =>
        editEngine.push(
          await elapsed(() =>
            applyBulkEdit(db, user, {
              source: { rule: { databaseId: retail.id, limit: EDIT } },
              changes: [{ kind: "field", field, op: "set", value: day(1) }],
            }),
          ),
        );
      const hand = async () =>
        editHand.push(
          await elapsed(() =>
            db.execute(sql`update profiles set fields = fields || jsonb_build_object('birthday', ${day(2)}::text), updated_at = now()
              where id in (select id from profiles where database_id = ${retail.id}::int order by id limit ${EDIT}::int)`),
          ),
        );
      if (run % 2 === 0) {
        await engine();
        await db.execute(sql`vacuum profiles`);
        await hand();
      } else {
        await hand();
        await db.execute(sql`vacuum profiles`);
        await engine();
      }
      await db.execute(sql`delete from profile_changes where source = 'bulk_edit' and user_id = ${user.id}::int and field = 'birthday'`);
      await db.execute(sql`vacuum profiles`);
      log(`  bulk edit ${run + 1}/${runs}: engine ${editEngine[run].toFixed(0)} ms, plain UPDATE ${editHand[run].toFixed(0)} ms`);
    }
  } finally {
    await db.execute(sql`update profiles p set fields = case when b.birthday is null then p.fields - 'birthday' else p.fields || jsonb_build_object('birthday', b.birthday) end,
      updated_at = b.updated_at from bench_actions_backup b where p.id = b.id`);
    await db.execute(sql`drop table bench_actions_backup`);
    await db.execute(sql`vacuum analyze profiles`);
    await db.execute(sql`vacuum analyze profile_changes`);
  }
  rows.push(
    ratioRow(editEngine, editHand, 2.0, {
      name: "Bulk edit with history",
      detail: `${EDIT.toLocaleString("en-US")} profiles, one custom field, one profile_changes row each`,
      extra: "engine: count, advisory lock, history INSERT … SELECT of the old values, UPDATE, on one snapshot, update log; by hand: UPDATE only, no history",
    }),
  );

  // ── Export over HTTP ──────────────────────────────────────────────────────────────────────────
  const url = benchServerUrl()!;
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", path.join(import.meta.dirname, "bench-actions.ts"), SERVE_FLAG], {
    env: { ...process.env, BENCH_USER_ID: String(user.id), DATABASE_POOL_SIZE: "4" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout!.on("data", (chunk: Buffer) => {
        const m = /ready (\d+)/.exec(chunk.toString());
        if (m) resolve(Number(m[1]));
      });
      child.once("exit", (code) => reject(new Error(`export server exited with ${code}`)));
    });
    await download(child, port, `database=${retail.id}&limit=2000`); // warm-up: modules, JIT, pool
    const keys = (await databaseFields(db, retail.id)).map((f) => f.key);
    const copyQuery =
      `SELECT p.id, p.email, p.phone, p.first_name, p.last_name, p.created_at, p.updated_at, ` +
      keys.map((k) => `p.fields ->> '${k}'`).join(", ") +
      `, p.email_subscription, p.sms_subscription, p.push_subscription FROM profiles p WHERE p.database_id = ${retail.id} ORDER BY p.id`;
    const engine: { ms: number; bytes: number; lines: number; growth: number }[] = [];
    const hand: { ms: number; bytes: number }[] = [];
    for (let run = 0; run < runs; run++) {
      if (run % 2 === 0) {
        engine.push(await download(child, port, `database=${retail.id}`));
        hand.push(await psqlCopy(url, copyQuery));
      } else {
        hand.push(await psqlCopy(url, copyQuery));
        engine.push(await download(child, port, `database=${retail.id}`));
      }
      log(
        `  export ${run + 1}/${runs}: HTTP ${engine[run].ms.toFixed(0)} ms (${(engine[run].bytes / 1e6).toFixed(0)} MB, +${(engine[run].growth / 1e6).toFixed(0)} MB RSS), psql COPY ${hand[run].ms.toFixed(0)} ms`,
      );
    }
    const lines = engine[0].lines - 1;
    const engineMs = median(engine.map((e) => e.ms));
    const handMs = median(hand.map((h) => h.ms));
    const growth = Math.max(...engine.map((e) => e.growth));
    const throughput = handMs / engineMs; // engine rows/s ÷ COPY rows/s
    rows.push({
      name: "Export CSV over HTTP",
      detail: `${lines.toLocaleString("en-US")} profiles, all ${7 + keys.length + 3} columns (${(engine[0].bytes / 1e6).toFixed(0)} MB)`,
      engineMs,
      handMs,
      ratio: engineMs / handMs,
      target: "throughput ≥ 0.5× COPY, memory growth < 150 MB",
      // the export cuts the id range in two COPY statements formatted at once (lib/segment-actions/copy-csv.ts)
      met: throughput >= 0.5 && growth < 150e6,
      extra: `${Math.round(lines / (engineMs / 1000)).toLocaleString("en-US")} profiles/s vs COPY ${Math.round(lines / (handMs / 1000)).toLocaleString("en-US")}/s (${throughput.toFixed(2)}×); server RSS growth ≤ ${(growth / 1e6).toFixed(0)} MB`,
    });
  } finally {
    child.kill("SIGTERM");
  }
  notes.push("Medians of alternating engine/by-hand runs; the machine is shared, so single runs vary by ±20 %.");
  notes.push(
    "Copy goes into a new static segment each run (the engine then needs no duplicate check; into an existing one it adds a NOT EXISTS anti-join).",
    "Bulk edit: the engine writes the history rows with an INSERT … SELECT of the old values and then runs the UPDATE, on one snapshot; the plain UPDATE writes no history.",
    "Export: the yardstick is psql's COPY of the same columns as stored; the export writes the cells of lib/export (formula defusing, ISO times, numbers as JavaScript prints them) and, for a selection this size, cuts the id range into two COPY statements that the database formats at once. The download is curl's, output discarded, as psql's is; memory is the export server's peak RSS growth over its idle size.",
  );
  return { rows, profiles: total, startedAt, notes };
}

/** The section of docs/benchmarks.md these rows own. */
export function actionsMarkdown(result: ActionBenchResult): string {
  const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
  const lines = [
    "## Actions on a selection",
    "",
    `Measured ${result.startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC on ${result.profiles.toLocaleString("en-US")} profiles (\`scripts/bench-actions.ts\`).`,
    "",
    "| action | what | engine ms | by hand ms | ratio | target | met | notes |",
    "| --- | --- | ---: | ---: | ---: | --- | --- | --- |",
    ...result.rows.map(
      (r) => `| ${r.name} | ${r.detail} | ${ms(r.engineMs)} | ${ms(r.handMs)} | ${r.ratio.toFixed(2)}× | ${r.target} | ${r.met ? "yes" : "**no**"} | ${r.extra ?? ""} |`,
    ),
    "",
    ...result.notes.map((n) => `- ${n}`),
    "",
  ];
  return lines.join("\n");
}

async function main() {
  if (process.argv.includes(SERVE_FLAG)) return serveExport();
  const serverUrl = benchServerUrl();
  if (!serverUrl) throw new Error("Set DATABASE_URL to the PostgreSQL server (e.g. postgres://postgres@127.0.0.1:5432/postgres).");
  const { ensureBenchDatabase } = await import("./bench-db");
  await ensureBenchDatabase({ serverUrl, name: "segments_bench", profiles: 1_000_000, seed: 1, reseed: false, log: console.log });
  process.env.DATABASE_POOL_SIZE = "4";
  const result = await benchActions({ runs: Number(benchArgs().option("--runs") ?? 3) });
  console.log("\n" + actionsMarkdown(result));
  const { closeDb } = await import("@/db/client");
  await closeDb();
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
