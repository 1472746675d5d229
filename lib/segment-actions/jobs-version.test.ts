import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { updateSegment } from "@/lib/dynamic-segments/save";
import { exportFilePath } from "@/lib/jobs/files";
import { getJob } from "@/lib/jobs/queries";
import { enqueueJob } from "@/lib/jobs/queue";
import { actionRunner, submitAction } from "./jobs";
import { makeStaticSegment, makeWorld, membersOf, newKey } from "./testing";

process.env.EXPORTS_DIR = mkdtempSync(path.join(os.tmpdir(), "segment-jobs-version-"));

const hamburgScript = {
  logic: "and",
  groups: [{ logic: "and", not: false, conditions: [{ kind: "field", field: "city", op: "eq", value: "Hamburg" }] }],
};

describe("a job runs the segment version it records", () => {
  it("selects with the version of its submission, though the segment was edited before the job ran", async () => {
    const w = await makeWorld();
    const berliners = [w.ids[0], w.ids[1], w.ids[3], w.ids[5]].sort((a, b) => a - b);
    const target = await makeStaticSegment(w.source.id, { name: "Versioned copy" });
    // Queued as a submission queues them, without kicking the runner: it must not pick them up before the save.
    const queue = (kind: "copy_to_static_segment" | "export_profiles", params: Record<string, unknown>) =>
      enqueueJob(w.db, w.marketer, { kind, params, idempotencyKey: newKey(), title: kind, lockKey: null, databaseId: w.source.id, sourceSegmentId: w.berliners.id }).then((r) => r.job);
    const copy = await queue("copy_to_static_segment", { source: { segmentId: w.berliners.id }, target: { staticSegmentId: target.id } });
    const exported = await queue("export_profiles", { source: { segmentId: w.berliners.id }, format: "csv", fields: ["id"] });
    expect([copy.sourceSegmentVersion, exported.sourceSegmentVersion]).toEqual([1, 1]);

    // Saved between submission and run: version 2 selects the one Hamburg profile.
    const saved = await updateSegment(w.db, w.admin, w.berliners.id, { name: w.berliners.name, conditions: hamburgScript });
    expect(saved.version).toBe(2);
    await actionRunner().drain();

    expect(await membersOf(target.id)).toEqual(berliners);
    const copied = (await getJob(w.db, w.marketer, copy.id)).view;
    expect(copied).toMatchObject({ status: "succeeded", sourceSegmentVersion: 1, summary: "Copied 4 profiles to static segment “Versioned copy”" });
    const { view, job } = await getJob(w.db, w.marketer, exported.id);
    expect(view).toMatchObject({ status: "succeeded", sourceSegmentVersion: 1 });
    expect(readFileSync(exportFilePath(String(job.result?.file)), "utf8").trim().split("\r\n")).toEqual(["id", ...berliners.map(String)]);

    // A job submitted after the save records and runs version 2.
    const later = await makeStaticSegment(w.source.id, { name: "Later copy" });
    const after = await submitAction(w.db, w.marketer, "copy_to_static_segment", { source: { segmentId: w.berliners.id }, target: { staticSegmentId: later.id } }, newKey());
    await actionRunner().drain();
    expect((await getJob(w.db, w.marketer, after.id)).view).toMatchObject({ status: "succeeded", sourceSegmentVersion: 2 });
    expect(await membersOf(later.id)).toEqual([w.ids[2]]);
  });
});

describe("a job stores its parameters as the schema parsed them", () => {
  it("keeps the parsed value (defaults filled in, names trimmed), and the runner reads it back through the schema", async () => {
    const w = await makeWorld();
    const exported = await submitAction(w.db, w.marketer, "export_history", { source: { rule: w.rule }, from: "2026-01-01", to: "2026-01-31" }, newKey());
    const copied = await submitAction(w.db, w.marketer, "copy_to_static_segment", { source: { rule: w.rule }, target: { newName: "  Parsed once  " } }, newKey());
    await actionRunner().drain();
    const stored = async (id: number) => (await getJob(w.db, w.marketer, id)).job;
    expect((await stored(exported.id)).params).toEqual({ source: { rule: w.rule }, from: "2026-01-01", to: "2026-01-31", include: ["events", "changes"] });
    expect((await stored(copied.id)).params).toEqual({ source: { rule: w.rule }, target: { newName: "Parsed once" } });
    expect((await stored(copied.id)).result).toMatchObject({ staticSegmentName: "Parsed once" });

    // Stored parameters the schema refuses (written by an older version, or by hand) fail the job with the reason; nothing runs.
    const target = await makeStaticSegment(w.source.id);
    const { job } = await enqueueJob(w.db, w.marketer, {
      kind: "copy_to_static_segment",
      params: { source: { rule: w.rule }, target: { staticSegmentId: target.id }, extra: true },
      idempotencyKey: newKey(),
      title: "Copy",
      lockKey: null,
      databaseId: w.source.id,
      sourceSegmentId: null,
    });
    await actionRunner().drain();
    expect((await getJob(w.db, w.marketer, job.id)).view.status).toBe("failed");
    expect(await membersOf(target.id)).toEqual([]);
  });
});
