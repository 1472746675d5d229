import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { dynamicSegments } from "./segments";
import { users } from "./users";

export const JOB_STATUSES = ["queued", "running", "succeeded", "failed"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * Background work on a selection (copy, bulk edit, add to scenario, export), run by the in-process
 * runner in lib/jobs (docs/jobs.md). One row per form submission: `(user_id, idempotency_key)` is
 * unique, so a double submit finds the first job instead of starting a second. While a job is queued
 * or running, its `lock_key` (the target, e.g. `static:12`) is unique too, so a second run of the same
 * action on the same target is refused as "already running".
 */
export const jobs = pgTable(
  "jobs",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    /** The action's kind, a key of the registry in lib/segment-actions/registry.ts (`copy_to_static_segment`, …). */
    kind: text("kind").notNull(),
    status: text("status").$type<JobStatus>().notNull().default("queued"),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    idempotencyKey: text("idempotency_key").notNull(),
    lockKey: text("lock_key"),
    /** What to do: the parameters as the action's zod schema parsed them at submission (read back through it to run). */
    params: jsonb("params").$type<Record<string, unknown>>().notNull(),
    /** A human title: "Copy profiles to static segment “VIP”". */
    title: text("title").notNull(),
    databaseId: integer("database_id"),
    sourceSegmentId: integer("source_segment_id").references(() => dynamicSegments.id, { onDelete: "set null" }),
    /** The source segment's version when the job was submitted (null for an unsaved rule). */
    sourceSegmentVersion: integer("source_segment_version"),
    /** Progress: profiles (or rows) done of total; total is null until the selection is counted. */
    total: bigint("total", { mode: "number" }),
    done: bigint("done", { mode: "number" }).notNull().default(0),
    stage: text("stage"),
    /** What the job did (counts, summary, export file), once it succeeded. */
    result: jsonb("result").$type<Record<string, unknown>>(),
    /** A message safe to show the user, once it failed. */
    error: text("error"),
    /** The server process running it and when it last said so, to tell a crashed run from a slow one. */
    runnerId: text("runner_id"),
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("jobs_user_idempotency_key").on(t.userId, t.idempotencyKey),
    uniqueIndex("jobs_active_lock_key").on(t.lockKey).where(sql`status in ('queued', 'running')`),
    index("jobs_status_idx").on(t.status, t.id),
    index("jobs_user_created_idx").on(t.userId, t.createdAt),
  ],
);

export type Job = typeof jobs.$inferSelect;
