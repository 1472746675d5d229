import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { makeGroup } from "@/db/testing/fixtures";
import { accessGroupMembers, dynamicSegmentAccessGroups, jobs, profileDatabaseAccessGroups, staticSegmentAccessGroups } from "@/db/schema";
import { exportDownload } from "@/lib/jobs/download";
import { exportFilePath } from "@/lib/jobs/files";
import { enqueueJob } from "@/lib/jobs/queue";
import { getJob, listJobs } from "@/lib/jobs/queries";
import { actionRunner, submitAction } from "./jobs";
import type { SelectionActionKind, SelectionActionParams } from "./registry";
import { actionLog, makeScenario, makeStaticSegment, makeWorld, membersOf, newKey, profileCount, rejection } from "./testing";

process.env.EXPORTS_DIR = mkdtempSync(path.join(os.tmpdir(), "segment-jobs-"));

describe("actions as background jobs", () => {
  it("runs a submitted action and records its progress and outcome", async () => {
    const w = await makeWorld();
    const target = await makeStaticSegment(w.source.id, { name: "Job target" });
    const submitted = await submitAction(w.db, w.marketer, "copy_to_static_segment", { source: { segmentId: w.berliners.id }, target: { staticSegmentId: target.id } }, newKey());
    expect(submitted).toMatchObject({ kind: "copy_to_static_segment", title: "Copy profiles to static segment “Job target”" });
    await actionRunner().drain();
    const { view } = await getJob(w.db, w.marketer, submitted.id);
    expect(view).toMatchObject({ status: "succeeded", total: 4, done: 4, summary: "Copied 4 profiles to static segment “Job target”", error: null });
    expect(await membersOf(target.id)).toHaveLength(4);
    expect((await listJobs(w.db, w.marketer)).map((j) => j.id)).toContain(submitted.id);
  });

  it("runs a double submit once: the same key answers the same job", async () => {
    const w = await makeWorld();
    const key = newKey();
    const params = { source: { segmentId: w.berliners.id }, changes: [{ kind: "field", field: "vip", op: "set", value: true }] };
    const [first, second] = await Promise.all([
      submitAction(w.db, w.marketer, "bulk_edit", params, key),
      submitAction(w.db, w.marketer, "bulk_edit", params, key),
    ]);
    const third = await submitAction(w.db, w.marketer, "bulk_edit", params, key);
    expect(second.id).toBe(first.id);
    expect(third.id).toBe(first.id);
    await actionRunner().drain();
    expect(await w.db.select().from(jobs).where(eq(jobs.userId, w.marketer.id))).toHaveLength(1);
    expect(await actionLog(w.berliners.id)).toHaveLength(1);
  });

  it("runs every kind of action once per submission key", async () => {
    const w = await makeWorld();
    const target = await makeStaticSegment(w.source.id);
    const scenario = await makeScenario(w.source.id);
    const source = { segmentId: w.berliners.id };
    // One submission per kind of the registry: a new kind without one here fails `tsc`.
    const byKind: { [K in SelectionActionKind]: SelectionActionParams<K> } = {
      copy_to_static_segment: { source, target: { staticSegmentId: target.id } },
      copy_to_database: { source, targetDatabaseId: w.other.id, onExistingEmail: "skip" },
      bulk_edit: { source, changes: [{ kind: "field", field: "note", op: "set", value: "once" }] },
      add_to_scenario: { source, scenarioId: scenario.id },
      export_profiles: { source, format: "csv" },
      export_history: { source, from: "2026-01-01", to: "2026-01-31" },
    };
    const submissions = Object.entries(byKind) as [SelectionActionKind, unknown][];
    for (const [kind, params] of submissions) {
      const key = newKey();
      const first = await submitAction(w.db, w.marketer, kind, params, key);
      const again = await submitAction(w.db, w.marketer, kind, params, key);
      expect(again.id, kind).toBe(first.id);
    }
    await actionRunner().drain();
    const done = await w.db.select({ kind: jobs.kind, status: jobs.status, error: jobs.error }).from(jobs).where(eq(jobs.userId, w.marketer.id));
    expect(done.map((j) => [j.kind, j.status, j.error]).sort()).toEqual(submissions.map(([kind]) => [kind, "succeeded", null]).sort());
    // each ran once: one update-log row per action, and nothing copied twice
    expect((await actionLog(w.berliners.id)).map((l) => l.details?.action).sort()).toEqual(submissions.map(([kind]) => kind).sort());
    expect(await membersOf(target.id)).toHaveLength(4);
    expect(await profileCount(w.other.id)).toBe(3);
  });

  it("refuses a second run on the same target while one is queued or running", async () => {
    const w = await makeWorld();
    const target = await makeStaticSegment(w.source.id, { name: "Contended" });
    const params = { source: { rule: w.rule }, target: { staticSegmentId: target.id } };
    await enqueueJob(w.db, w.marketer, { kind: "copy_to_static_segment", params, idempotencyKey: newKey(), title: "First copy", lockKey: `static:${target.id}`, databaseId: w.source.id, sourceSegmentId: null });
    const error = await rejection(submitAction(w.db, w.admin, "copy_to_static_segment", params, newKey()));
    expect(error.code).toBe("conflict");
    expect(error.message).toBe("This is already running by another user: “First copy”. Wait for it to finish, then try again.");
    await actionRunner().drain();
    // once it finished, the target is free again
    const again = await submitAction(w.db, w.admin, "copy_to_static_segment", params, newKey());
    await actionRunner().drain();
    expect((await getJob(w.db, w.admin, again.id)).view).toMatchObject({ status: "succeeded", summary: "Copied 4 profiles to static segment “Contended” (4 profiles already there)" });
  });

  it("checks source and target when submitting: nothing is queued for a target without access", async () => {
    const w = await makeWorld();
    const hiddenTarget = await makeStaticSegment(w.source.id, { groupIds: [w.team.id] });
    const error = await rejection(
      submitAction(w.db, w.outsider, "copy_to_static_segment", { source: { rule: w.rule }, target: { staticSegmentId: hiddenTarget.id } }, newKey()),
    );
    expect(error.code).toBe("not_found");
    expect((await rejection(submitAction(w.db, w.outsider, "export_profiles", { source: { rule: { databaseId: w.hidden.id } }, format: "csv" }, newKey()))).code).toBe(
      "not_found",
    );
    expect((await rejection(submitAction(w.db, w.marketer, "bulk_edit", { source: { rule: w.rule }, changes: [] }, "short"))).issues[0].path).toBe("idempotencyKey");
    expect(await w.db.select().from(jobs).where(eq(jobs.userId, w.outsider.id))).toEqual([]);
  });

  it("checks access again when the job runs: a user who lost access gets a failed job, not a copy", async () => {
    const w = await makeWorld();
    const target = await makeStaticSegment(w.source.id, { groupIds: [w.team.id] });
    const submitted = await enqueueJob(w.db, w.marketer, {
      kind: "copy_to_static_segment",
      params: { source: { rule: w.rule }, target: { staticSegmentId: target.id } },
      idempotencyKey: newKey(),
      title: "Copy",
      lockKey: `static:${target.id}`,
      databaseId: w.source.id,
      sourceSegmentId: null,
    });
    await w.db.delete(accessGroupMembers).where(and(eq(accessGroupMembers.userId, w.marketer.id), eq(accessGroupMembers.groupId, w.team.id)));
    await actionRunner().drain();
    const { view } = await getJob(w.db, w.marketer, submitted.job.id);
    expect(view).toMatchObject({ status: "failed", error: "The static segment was not found." });
    expect(await membersOf(target.id)).toEqual([]);
  });

  it("keeps a finished export as a file to download, and shows only a user's own jobs", async () => {
    const w = await makeWorld();
    const submitted = await submitAction(w.db, w.marketer, "export_profiles", { source: { segmentId: w.berliners.id }, format: "csv", fields: ["id", "email"] }, newKey());
    await actionRunner().drain();
    const { view, job } = await getJob(w.db, w.marketer, submitted.id);
    expect(view).toMatchObject({ status: "succeeded", downloadUrl: `/api/exports/${submitted.id}`, summary: "Exported 4 profiles as CSV" });
    const file = exportFilePath(String(job.result?.file));
    expect(readFileSync(file, "utf8").split("\r\n")).toHaveLength(6);
    expect((await rejection(getJob(w.db, w.outsider, submitted.id))).code).toBe("not_found");
    expect((await getJob(w.db, w.admin, submitted.id)).view.id).toBe(submitted.id);
    expect((await listJobs(w.db, w.outsider)).map((j) => j.id)).not.toContain(submitted.id);
  });

  it("fails an export job visibly when it fails, with no download", async () => {
    const w = await makeWorld();
    const nobody = { ...w.rule, conditions: { logic: "and", groups: [{ logic: "and", not: false, conditions: [{ kind: "field", field: "city", op: "eq", value: "Paris" }] }] } };
    const submitted = await submitAction(w.db, w.marketer, "export_profiles", { source: { rule: nobody }, format: "csv" }, newKey());
    await actionRunner().drain();
    const { view } = await getJob(w.db, w.marketer, submitted.id);
    expect(view).toMatchObject({ status: "failed", downloadUrl: null });
    expect(view.error).toMatch(/selection is empty/);
    expect(existsSync(path.join(process.env.EXPORTS_DIR!, `job-${submitted.id}.csv`))).toBe(false);
  });

  it("marks a job that a dead server process left running as failed, and removes its partial file", async () => {
    const w = await makeWorld();
    const { job } = await enqueueJob(w.db, w.marketer, {
      kind: "export_profiles",
      params: { source: { rule: w.rule }, format: "csv" },
      idempotencyKey: newKey(),
      title: "Export",
      lockKey: null,
      databaseId: w.source.id,
      sourceSegmentId: null,
    });
    await w.db
      .update(jobs)
      .set({ status: "running", runnerId: "a-process-that-died", heartbeatAt: new Date(Date.now() - 10 * 60_000), total: 4, done: 1 })
      .where(eq(jobs.id, job.id));
    const part = path.join(process.env.EXPORTS_DIR!, `job-${job.id}.csv.part`);
    writeFileSync(part, "id\r\n1\r\n");
    await actionRunner().drain();
    const { view } = await getJob(w.db, w.marketer, job.id);
    expect(view.status).toBe("failed");
    expect(view.error).toMatch(/server stopped/);
    expect(existsSync(part)).toBe(false);
  });
  it("hides an export job once its source segment is no longer visible: not listed, no status, no download", async () => {
    const w = await makeWorld();
    const submitted = await submitAction(w.db, w.marketer, "export_profiles", { source: { segmentId: w.berliners.id }, format: "csv" }, newKey());
    await actionRunner().drain();
    const before = await exportDownload(w.db, w.marketer, String(submitted.id));
    expect(before.status).toBe(200);
    expect((await before.text()).split("\r\n")[0]).toMatch(/^id,/);
    expect((await listJobs(w.db, w.marketer)).map((j) => j.id)).toContain(submitted.id);

    // An admin narrows the segment to a group the marketer is not in.
    const others = await makeGroup();
    await w.db.insert(dynamicSegmentAccessGroups).values({ segmentId: w.berliners.id, groupId: others.id });
    expect((await listJobs(w.db, w.marketer)).map((j) => j.id)).not.toContain(submitted.id);
    expect((await listJobs(w.db, w.marketer, { sourceSegmentId: w.berliners.id })).map((j) => j.id)).toEqual([]);
    expect((await rejection(getJob(w.db, w.marketer, submitted.id))).code).toBe("not_found");
    expect((await rejection(exportDownload(w.db, w.marketer, String(submitted.id)))).code).toBe("not_found");
    // the admin still sees it
    expect((await exportDownload(w.db, w.admin, String(submitted.id))).status).toBe(200);
    // giving access back shows it again
    await w.db.delete(dynamicSegmentAccessGroups).where(eq(dynamicSegmentAccessGroups.segmentId, w.berliners.id));
    expect((await getJob(w.db, w.marketer, submitted.id)).view.id).toBe(submitted.id);
  });

  it("hides a job once its source database or its target is no longer visible", async () => {
    const w = await makeWorld();
    const target = await makeStaticSegment(w.source.id, { name: "Copy target" });
    const copy = await submitAction(w.db, w.marketer, "copy_to_static_segment", { source: { rule: w.rule }, target: { staticSegmentId: target.id } }, newKey());
    const intoDatabase = await submitAction(w.db, w.marketer, "copy_to_database", { source: { rule: w.rule }, targetDatabaseId: w.other.id, onExistingEmail: "skip" }, newKey());
    await actionRunner().drain();
    const visible = async () => (await listJobs(w.db, w.marketer)).map((j) => j.id).sort((a, b) => a - b);
    expect(await visible()).toEqual([copy.id, intoDatabase.id].sort((a, b) => a - b));

    const others = await makeGroup();
    await w.db.insert(staticSegmentAccessGroups).values({ segmentId: target.id, groupId: others.id });
    expect(await visible()).toEqual([intoDatabase.id]);
    expect((await rejection(getJob(w.db, w.marketer, copy.id))).code).toBe("not_found");

    await w.db.insert(profileDatabaseAccessGroups).values({ databaseId: w.other.id, groupId: others.id });
    expect(await visible()).toEqual([]);
    await w.db.delete(profileDatabaseAccessGroups).where(eq(profileDatabaseAccessGroups.databaseId, w.other.id));
    await w.db.insert(profileDatabaseAccessGroups).values({ databaseId: w.source.id, groupId: others.id });
    expect(await visible()).toEqual([]);
  });
});
