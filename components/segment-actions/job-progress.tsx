"use client";

import { Download } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Progress } from "@/components/ui/progress";
import type { JobView } from "@/lib/jobs/queries";
import { formatCount } from "@/lib/format";
import { cn } from "@/lib/utils";

const statusLabel: Record<JobView["status"], string> = { queued: "Queued", running: "Running", succeeded: "Finished", failed: "Failed" };

function percent(job: JobView): number | null {
  if (job.status === "succeeded") return 100;
  if (!job.total) return null;
  return Math.min(100, Math.round((job.done / job.total) * 100));
}

/** One job: progress bar (done / total), what it is doing, and how it ended — with the download when there is one. */
export function JobProgress({ job, compact = false }: { job: JobView; compact?: boolean }) {
  // Queued (or no total yet): an indeterminate bar; a full bar would read as finished.
  const value = job.status === "failed" ? 0 : job.status === "queued" ? null : percent(job);
  return (
    <div className={cn("grid gap-2", !compact && "rounded-md border p-3")}>
      <div className="flex items-baseline justify-between gap-3 text-sm">
        <span className="font-medium">{job.title}</span>
        <span
          className={cn(
            "shrink-0 text-xs",
            job.status === "failed" ? "text-destructive" : job.status === "succeeded" ? "text-emerald-700" : "text-muted-foreground",
          )}
        >
          {statusLabel[job.status]}
        </span>
      </div>
      {job.status !== "failed" ? (
        <Progress aria-label={`Progress of ${job.title}`} value={value} aria-valuetext={value === null ? "Working" : `${value} %`} />
      ) : null}
      <div className="text-xs text-muted-foreground" aria-live="polite">
        {job.status === "queued" ? "Waiting to start…" : null}
        {job.status === "running" ? (
          <>
            {job.stage ?? "Working"}
            {job.total ? ` — ${formatCount(job.done)} of ${formatCount(job.total)}` : "…"}
          </>
        ) : null}
      </div>
      {job.status === "succeeded" ? (
        <p role="status" className="text-sm text-emerald-800">
          {job.summary ?? "Done."}
        </p>
      ) : null}
      {job.status === "failed" ? (
        <p role="alert" className="text-sm text-destructive">
          {job.error ?? "This job failed."}
        </p>
      ) : null}
      {job.downloadUrl ? (
        <Button asChild size="sm" variant="outline" className="justify-self-start">
          <a href={job.downloadUrl} download>
            <Download aria-hidden />
            Download
          </a>
        </Button>
      ) : null}
    </div>
  );
}
