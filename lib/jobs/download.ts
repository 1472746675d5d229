import "server-only";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import type { Db } from "@/db/client";
import type { ActingUser } from "@/lib/access/acting-user";
import { AppError, notFound } from "@/lib/errors";
import { EXPORT_CONTENT_TYPES } from "@/lib/export";
import { exportFilePath } from "./files";
import { getJob } from "./queries";

/**
 * The download of a finished export: only for a user who may see the job now (its owner or an admin,
 * who can still see its source database and segment — `getJob`); only a job that succeeded, whose file
 * was completed (written as .part, then renamed). Content-Length is sent, so a transfer cut short is
 * visibly incomplete to the browser.
 */
export async function exportDownload(db: Db, user: ActingUser, jobId: string): Promise<Response> {
  const id = /^\d{1,15}$/.test(jobId) ? Number(jobId) : NaN;
  const { job } = await getJob(db, user, id);
  const file = typeof job.result?.file === "string" ? job.result.file : null;
  if (job.status !== "succeeded" || !file) throw notFound("The export");
  const path = exportFilePath(file);
  const size = await stat(path).then(
    (s) => s.size,
    () => null,
  );
  if (size === null) throw new AppError("not_found", "This export is no longer kept. Start the export again.");
  const format = file.endsWith(".ndjson") ? "ndjson" : "csv";
  const name = String(job.result?.downloadName ?? file).replace(/[^\w.-]+/g, "_");
  return new Response(Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>, {
    headers: {
      "Content-Type": EXPORT_CONTENT_TYPES[format],
      "Content-Length": String(size),
      "Content-Disposition": `attachment; filename="${name}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
