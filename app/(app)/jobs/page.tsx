import type { Metadata } from "next";
import { RecentJobs } from "@/components/segment-actions/recent-jobs";
import { PageHeader } from "@/components/shell/page-header";
import { getDb } from "@/db/client";
import { requireUser } from "@/lib/auth/session";
import { listJobs } from "@/lib/jobs/queries";
import { actionRunner } from "@/lib/segment-actions/jobs";

export const metadata: Metadata = { title: "Jobs" };

export default async function JobsPage() {
  const user = await requireUser();
  // Looking at the jobs also wakes the runner, so work queued before a restart gets going.
  void actionRunner().kick();
  const jobs = await listJobs(await getDb(), user, { limit: 50 });
  return (
    <>
      <PageHeader
        title="Jobs"
        description={
          user.role === "admin"
            ? "Copies, bulk edits and exports of everyone, newest first. Finished exports can be downloaded for 7 days."
            : "Your copies, bulk edits and exports, newest first. Finished exports can be downloaded for 7 days."
        }
      />
      <RecentJobs jobs={jobs} title="Recent jobs" showOwner={user.role === "admin"} linkToAll={false} />
    </>
  );
}
