import type { Metadata } from "next";
import { BarChart3 } from "lucide-react";
import { PageLink } from "@/components/shell/page-link";
import { notFound } from "next/navigation";
import { SegmentFormWithActions } from "@/components/segment-actions/segment-form-with-actions";
import { DependentObjects, UpdateLog } from "@/components/segments/segment-blocks";
import { Breadcrumb, PageHeader } from "@/components/shell/page-header";
import { Button } from "@/components/ui/button";
import { getDb } from "@/db/client";
import { requireVisibleDynamicSegment } from "@/lib/access/guards";
import { requireUser } from "@/lib/auth/session";
import { e2eSlowPage } from "@/lib/e2e/slow-page";
import { loadBuilderOptions, segmentGroupIds } from "@/lib/dynamic-segments/builder-options";
import { dependentObjects, segmentUpdateLogEntries } from "@/lib/dynamic-segments/lifecycle";
import { isAppError } from "@/lib/errors";
import { listJobs } from "@/lib/jobs/queries";
import { RecentJobs } from "@/components/segment-actions/recent-jobs";
import { VersionsBlock } from "@/components/segments/versions/versions-block";
import { listSegmentVersions } from "@/lib/dynamic-segments/versions";

export const metadata: Metadata = { title: "Dynamic segment" };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ calc?: string; version?: string }> };

export default async function Segment({ params, searchParams }: Props) {
  const user = await requireUser();
  await e2eSlowPage();
  const id = Number((await params).id);
  if (!Number.isSafeInteger(id) || id <= 0 || id > 2_147_483_647) notFound();
  const db = await getDb();
  const segment = await requireVisibleDynamicSegment(db, user, id).catch((error: unknown) => {
    if (isAppError(error) && error.code === "not_found") notFound();
    throw error;
  });
  const [options, groupIds, log, dependents, jobs, versions] = await Promise.all([
    loadBuilderOptions(db, user),
    segmentGroupIds(db, id),
    segmentUpdateLogEntries(db, user, id),
    dependentObjects(db, user, id),
    listJobs(db, user, { sourceSegmentId: id, limit: 5 }),
    listSegmentVersions(db, user, id),
  ]);
  const { calc, version } = await searchParams;
  const focusVersion = Number(version) || undefined;
  return (
    <>
      <Breadcrumb trail={[{ href: "/segments/dynamic", label: "Dynamic segments" }]} current={segment.name} />
      <PageHeader title={segment.name} description={segment.description || "A dynamic segment: recalculated at every use."}>
        <Button asChild variant="outline">
          <PageLink href={`/segments/dynamic/${segment.id}/analytics`}>
            <BarChart3 aria-hidden />
            Analytics
          </PageLink>
        </Button>
      </PageHeader>
      {calc === "timeout" ? (
        <p role="status" className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Saved. The first count took too long and was stopped; try Calculate again or narrow the conditions.
        </p>
      ) : null}
      <SegmentFormWithActions
        key={segment.updatedAt.toISOString()}
        dependents={dependents}
        options={options}
        initialCount={segment.lastCount !== null && segment.lastCalculatedAt ? { count: segment.lastCount, calculatedAt: segment.lastCalculatedAt.toISOString() } : null}
        initial={{
          id: segment.id,
          name: segment.name,
          databaseId: segment.databaseId,
          rangeFrom: segment.rangeFrom,
          rangeTo: segment.rangeTo,
          conditions: segment.conditions,
          limit: segment.limit,
          description: segment.description,
          tags: segment.tags,
          accessGroupIds: groupIds,
        }}
      />
      <div className="mt-8 grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <div className="min-w-0 space-y-6">
          {jobs.length ? <RecentJobs jobs={jobs} /> : null}
          <VersionsBlock
            key={`${versions.length}:${focusVersion ?? ""}`}
            segmentId={segment.id}
            databaseId={segment.databaseId}
            options={options}
            focus={focusVersion}
            versions={versions.map((v) => ({ ...v, createdAt: v.createdAt.toISOString() }))}
          />
          <UpdateLog entries={log} segmentId={segment.id} />
          {dependents.mailings.length || dependents.scenarios.length ? <DependentObjects {...dependents} /> : null}
        </div>
      </div>
    </>
  );
}
