"use client";

import { useEffect, useState } from "react";
import type { JobView } from "@/lib/jobs/queries";
import { jobStatusAction } from "@/lib/segment-actions/actions";

export const isActive = (job: Pick<JobView, "status">) => job.status === "queued" || job.status === "running";

/**
 * A job, kept up to date while it is queued or running (polled about twice a second; the row in the
 * database is the truth, so a reloaded page picks up where it was). Calls `onFinished` once it ends.
 */
export function useJob(initial: JobView, onFinished?: (job: JobView) => void): JobView {
  const [job, setJob] = useState(initial);
  const active = isActive(job);
  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const poll = async () => {
      const result = await jobStatusAction(job.id).catch(() => null);
      if (stopped) return;
      if (result?.ok) {
        setJob(result.data);
        if (!isActive(result.data)) {
          onFinished?.(result.data);
          return;
        }
      }
      timer = setTimeout(poll, 600);
    };
    timer = setTimeout(poll, 300);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
    // onFinished is read when the job ends; re-polling for a new callback identity is not wanted.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [job.id, active]);
  return job;
}

/** A fresh key for one form submission (a double submit sends the same key, so the job runs once). */
export function newSubmissionKey(): string {
  if (typeof crypto !== "undefined" && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
