"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import type { JobView } from "@/lib/jobs/queries";
import { formatDateTime } from "@/lib/format";
import { versionHref } from "@/components/segments/versions/version-link";
import { JobProgress } from "./job-progress";
import { useJob } from "./use-job";

function LiveJob({ job, onFinished }: { job: JobView; onFinished: () => void }) {
  return <JobProgress job={useJob(job, onFinished)} compact />;
}

/**
 * Recent jobs with live progress: read from the database by the page, so a reload shows the same bars,
 * and polled while they run. When one finishes, the page refreshes (counts, update log).
 */
export function RecentJobs({ jobs, title = "Recent actions", showOwner = false, linkToAll = true }: { jobs: JobView[]; title?: string; showOwner?: boolean; linkToAll?: boolean }) {
  const router = useRouter();
  return (
    <section aria-labelledby="recent-jobs-heading" className="rounded-lg border bg-card p-4 shadow-xs">
      <div className="mb-3 flex items-baseline justify-between">
        <h2 id="recent-jobs-heading" className="font-semibold">
          {title}
        </h2>
        {linkToAll ? (
          <Link href="/jobs" className="text-sm text-muted-foreground hover:underline">
            All jobs
          </Link>
        ) : null}
      </div>
      {jobs.length ? (
        <ul className="divide-y">
          {jobs.map((job) => (
            <li key={job.id} className="grid gap-1 py-3 first:pt-0 last:pb-0">
              <LiveJob job={job} onFinished={() => router.refresh()} />
              <p className="text-xs text-muted-foreground">
                Started {formatDateTime(job.createdAt)}
                {showOwner && job.userName ? ` by ${job.userName}` : ""}
                {job.finishedAt ? ` · ended ${formatDateTime(job.finishedAt)}` : ""}
                {job.sourceSegmentId && job.sourceSegmentVersion ? (
                  <>
                    {" · used "}
                    <Link href={versionHref(job.sourceSegmentId, job.sourceSegmentVersion)} className="underline-offset-2 hover:underline">
                      version {job.sourceSegmentVersion}
                    </Link>
                  </>
                ) : null}
              </p>
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-muted-foreground">No jobs yet. Copies, bulk edits and exports you start appear here with their progress.</p>
      )}
    </section>
  );
}
