"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { Loader2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import type { ActionResult } from "@/lib/actions/result";
import type { Issue } from "@/lib/errors";
import type { JobView } from "@/lib/jobs/queries";
import { JobProgress } from "./job-progress";
import { newSubmissionKey, useJob } from "./use-job";

export type Submit = (idempotencyKey: string) => Promise<ActionResult<JobView>>;

function LiveJob({ job, onFinished }: { job: JobView; onFinished: () => void }) {
  const live = useJob(job, onFinished);
  return <JobProgress job={live} />;
}

/**
 * The frame of every action dialog: the form, its submit button, and — once submitted — the job's
 * live progress in place of the form. One idempotency key per opening of the dialog: a double click
 * (or a retry after a lost answer) finds the job the first click made.
 */
export function ActionDialog(props: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description: React.ReactNode;
  submitLabel: string;
  /** Form fields; hidden once the job is submitted. */
  children: React.ReactNode;
  onSubmit: Submit;
  /** False while the form is incomplete (or waiting for its options). */
  canSubmit?: boolean;
  /** A second button beside submit (the bulk edit's "Count profiles to change"). */
  extraAction?: React.ReactNode;
}) {
  const router = useRouter();
  const [key, setKey] = useState(newSubmissionKey);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<{ message: string; issues: Issue[] } | null>(null);
  const [job, setJob] = useState<JobView | null>(null);
  const wasOpen = useRef(props.open);

  useEffect(() => {
    if (props.open && !wasOpen.current) {
      // A new opening is a new submission.
      setKey(newSubmissionKey());
      setJob(null);
      setError(null);
    }
    wasOpen.current = props.open;
  }, [props.open]);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    // The dialog is portaled out of the builder's form, but React still bubbles its submit there.
    event.stopPropagation();
    if (submitting || job) return;
    setSubmitting(true);
    setError(null);
    const result = await props.onSubmit(key).catch(() => null);
    setSubmitting(false);
    if (!result) return setError({ message: "The server did not answer. Check your connection and try again.", issues: [] });
    if (!result.ok) return setError({ message: result.message, issues: result.issues ?? [] });
    setJob(result.data);
  };

  return (
    <Dialog open={props.open} onOpenChange={props.onOpenChange}>
      <DialogContent className="sm:max-w-xl">
        <form onSubmit={submit} className="grid gap-4" noValidate>
          <DialogHeader>
            <DialogTitle>{props.title}</DialogTitle>
            <DialogDescription asChild>
              <div>{props.description}</div>
            </DialogDescription>
          </DialogHeader>
          {job ? (
            <div className="grid gap-2">
              <LiveJob job={job} onFinished={() => router.refresh()} />
              <p className="text-xs text-muted-foreground">
                It keeps running if you close this window; follow it under{" "}
                <Link href="/jobs" className="underline">
                  Jobs
                </Link>
                .
              </p>
            </div>
          ) : (
            <fieldset disabled={submitting} className="grid gap-4">
              {props.children}
            </fieldset>
          )}
          {error ? (
            <div role="alert" className="rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive">
              <p>{error.message}</p>
              {error.issues.length > 1 || (error.issues[0] && error.issues[0].message !== error.message) ? (
                <ul className="mt-1 list-disc pl-5">
                  {error.issues.map((i, n) => (
                    <li key={n}>{i.message}</li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
          <DialogFooter>
            {job ? (
              <Button type="button" variant="outline" onClick={() => props.onOpenChange(false)}>
                Done
              </Button>
            ) : (
              <>
                <Button type="button" variant="ghost" onClick={() => props.onOpenChange(false)}>
                  Cancel
                </Button>
                {props.extraAction}
                <Button type="submit" disabled={submitting || props.canSubmit === false}>
                  {submitting ? <Loader2 className="animate-spin" aria-hidden /> : null}
                  {props.submitLabel}
                </Button>
              </>
            )}
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
