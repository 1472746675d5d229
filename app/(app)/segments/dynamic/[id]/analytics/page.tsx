import type { Metadata } from "next";
import { PageLink } from "@/components/shell/page-link";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { COMPOSITION_TITLE, CompositionFigure } from "@/components/analytics/composition-figure";
import { ENGAGEMENT_TITLE, EngagementFigure, TOP_MAILINGS_TITLE, TopMailingsFigure } from "@/components/analytics/engagement-figure";
import { FigureSkeleton } from "@/components/analytics/figure-card";
import { loadFigure } from "@/components/analytics/figure-result";
import { FieldPicker, PeriodPicker } from "@/components/analytics/pickers";
import { RANGE_MAP_TITLE, RangeMapFigure } from "@/components/analytics/range-map-figure";
import { REACHABILITY_TITLE, ReachabilityFigure } from "@/components/analytics/reachability-figure";
import { SIZE_TITLE, SizeFigure } from "@/components/analytics/size-figure";
import { Breadcrumb, PageHeader } from "@/components/shell/page-header";
import { withSkeletonOnNavigation } from "@/components/shell/skeleton-on-navigation";
import { AnalyticsSkeleton } from "@/components/shell/skeletons";
import { Button } from "@/components/ui/button";
import { getDb } from "@/db/client";
import { requireVisibleDynamicSegment } from "@/lib/access/guards";
import { parsePeriod } from "@/lib/analytics/labels";
import { analyticsReport } from "@/lib/analytics/report";
import { requireUser } from "@/lib/auth/session";
import { e2eSlowPage } from "@/lib/e2e/slow-page";
import { getDatabase } from "@/lib/databases/queries";
import { isAppError } from "@/lib/errors";
import { formatCount, formatRange } from "@/lib/format";

export const metadata: Metadata = { title: "Segment analytics" };

const orNotFound = (error: unknown): never => {
  if (isAppError(error) && error.code === "not_found") notFound();
  throw error;
};

/**
 * The report a marketer reads before sending. The page shows at once; the figures stream into their
 * own Suspense boundaries. Those over the selection come from lib/analytics/report.ts, which evaluates
 * the selection twice instead of five times (seconds each for event conditions at a million
 * profiles), so they arrive together; the range map reads no profiles and comes on its own. Period and field are search parameters (links and a GET form), so every view
 * has an address and works without JS.
 */
type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ period?: string | string[]; field?: string | string[] }> };

async function SegmentAnalytics({ params, searchParams }: Props) {
  const user = await requireUser();
  await e2eSlowPage();
  const id = Number((await params).id);
  if (!Number.isSafeInteger(id) || id <= 0 || id > 2_147_483_647) notFound();
  const db = await getDb();
  const segment = await requireVisibleDynamicSegment(db, user, id).catch(orNotFound);
  const database = await getDatabase(db, user, segment.databaseId).catch(orNotFound);

  const query = await searchParams;
  const period = parsePeriod(query.period);
  const wanted = Array.isArray(query.field) ? query.field[0] : query.field;
  const field = database.fields.find((f) => f.key === wanted)?.key ?? database.fields[0]?.key;
  const basePath = `/segments/dynamic/${id}/analytics`;
  const limit = segment.limit === null ? "no limit" : `limit ${formatCount(segment.limit)}`;
  // Started here, awaited by each figure inside its boundary; an unexpected fault still reaches the error page.
  const report = loadFigure(() => analyticsReport(db, user, id, { days: period, fieldKey: field }));
  report.catch(() => {}); // handled where a figure awaits it; this only keeps Node from calling it unhandled meanwhile

  return (
    <>
      <Breadcrumb
        trail={[
          { href: "/segments/dynamic", label: "Dynamic segments" },
          { href: `/segments/dynamic/${id}`, label: segment.name },
        ]}
        current="Analytics"
      />
      <PageHeader title={`Analytics: ${segment.name}`} description={`${database.name} · range ${formatRange(segment.rangeFrom, segment.rangeTo)} · ${limit}`}>
        <Button asChild variant="outline">
          <PageLink href={`/segments/dynamic/${id}`}>Open segment</PageLink>
        </Button>
      </PageHeader>

      <div className="grid gap-6 lg:grid-cols-2">
        <Suspense fallback={<FigureSkeleton slug="size" title={SIZE_TITLE} className="lg:col-span-2" height={320} />}>
          <SizeFigure report={report} databaseName={database.name} />
        </Suspense>
        <Suspense key={`engagement-${period}`} fallback={<FigureSkeleton slug="engagement" title={ENGAGEMENT_TITLE} height={300} />}>
          <EngagementFigure report={report} days={period} action={<PeriodPicker basePath={basePath} period={period} field={field} />} />
        </Suspense>
        <Suspense key={`top-mailings-${period}`} fallback={<FigureSkeleton slug="top-mailings" title={TOP_MAILINGS_TITLE} height={300} />}>
          <TopMailingsFigure report={report} days={period} />
        </Suspense>
        <Suspense fallback={<FigureSkeleton slug="reachability" title={REACHABILITY_TITLE} height={280} />}>
          <ReachabilityFigure report={report} />
        </Suspense>
        <Suspense key={`composition-${field ?? ""}`} fallback={<FigureSkeleton slug="composition" title={COMPOSITION_TITLE} height={280} />}>
          <CompositionFigure
            report={report}
            action={database.fields.length ? <FieldPicker basePath={basePath} period={period} fields={database.fields} selected={field} /> : undefined}
          />
        </Suspense>
        <Suspense fallback={<FigureSkeleton slug="range-map" title={RANGE_MAP_TITLE} className="lg:col-span-2" height={200} />}>
          <RangeMapFigure user={user} segmentId={id} />
        </Suspense>
      </div>
    </>
  );
}

export default withSkeletonOnNavigation(SegmentAnalytics, <AnalyticsSkeleton />);
