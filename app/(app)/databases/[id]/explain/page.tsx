import type { Metadata } from "next";
import { PageLink } from "@/components/shell/page-link";
import { notFound } from "next/navigation";
import { explainProfileHref } from "@/components/segments/explain/explain-profile-link";
import { Breadcrumb, EmptyState, PageHeader } from "@/components/shell/page-header";
import { Button } from "@/components/ui/button";
import { getDb } from "@/db/client";
import { requireUser } from "@/lib/auth/session";
import { getDatabase } from "@/lib/databases/queries";
import { listSegments } from "@/lib/dynamic-segments/list";
import { isAppError } from "@/lib/errors";
import { formatCount } from "@/lib/format";

export const metadata: Metadata = { title: "Why is this profile in or out?" };

/** Segments per page: a database may have hundreds; the list pages by name. */
const PAGE_SIZE = 25;

const id = (value: string | string[] | undefined) => (typeof value === "string" && /^\d{1,15}$/.test(value) ? Number(value) : null);

/**
 * A profile row of a static segment, a scenario or a database links here: in or out depends on a
 * rule, so the page lists the dynamic segments of the profile's database (those the user may see),
 * each opening that segment's "Why is this profile in or out?" for the profile — by name, a page at a time.
 */
export default async function ExplainProfilePage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const databaseId = id((await params).id);
  const search = await searchParams;
  const profileId = id(search.profile);
  const requestedPage = id(search.page) ?? 1;
  if (databaseId === null || databaseId > 2_147_483_647 || profileId === null) notFound();
  const db = await getDb();
  const database = await getDatabase(db, user, databaseId).catch((error: unknown) => {
    if (isAppError(error) && error.code === "not_found") notFound();
    throw error;
  });
  const { rows, total, page, pageSize } = await listSegments(db, user, { databaseId, sort: "name", dir: "asc", pageSize: PAGE_SIZE, page: Math.min(requestedPage, 100_000) });
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const pageHref = (n: number) => `/databases/${database.id}/explain?profile=${profileId}${n > 1 ? `&page=${n}` : ""}`;
  return (
    <>
      <Breadcrumb trail={[{ href: `/databases/${database.id}`, label: database.name }]} current={`Profile ${profileId}`} />
      <PageHeader
        title="Why is this profile in or out?"
        description={`Profile ${profileId} of ${database.name}. Choose the dynamic segment to explain it against: its page evaluates the rule for this one profile.`}
      />
      {rows.length ? (
        <ul aria-label="Dynamic segments of this database" className="grid grid-cols-1 gap-2">
          {rows.map((segment) => (
            <li key={segment.id} className="flex flex-wrap items-center justify-between gap-3 rounded-lg border bg-card px-4 py-3">
              <div className="min-w-0">
                <p className="font-medium break-words">{segment.name}</p>
                <p className="text-xs text-muted-foreground">{segment.lastCount === null ? "Not calculated yet" : `${formatCount(segment.lastCount)} profiles at the last count`}</p>
              </div>
              <Button asChild variant="outline" size="sm">
                <PageLink href={explainProfileHref({ profileId, segmentId: segment.id, databaseId })} aria-label={`Explain profile ${profileId} in “${segment.name}”`}>
                  Explain
                </PageLink>
              </Button>
            </li>
          ))}
        </ul>
      ) : null}
      {total > pageSize || page > 1 ? (
        <nav aria-label="Pages of segments" className="mt-4 flex flex-wrap items-center justify-between gap-2 text-sm text-muted-foreground">
          <span>
            {formatCount(total)} segment{total === 1 ? "" : "s"} · page {formatCount(page)} of {formatCount(pages)}
          </span>
          <div className="flex gap-2">
            {page > 1 ? (
              <Button variant="outline" size="sm" asChild>
                <PageLink href={pageHref(Math.min(page - 1, pages))}>Previous</PageLink>
              </Button>
            ) : null}
            {page < pages ? (
              <Button variant="outline" size="sm" asChild>
                <PageLink href={pageHref(page + 1)}>Next</PageLink>
              </Button>
            ) : null}
          </div>
        </nav>
      ) : null}
      {total === 0 ? (
        <EmptyState title="No dynamic segments to explain against">
          <PageLink href="/segments/dynamic/new" className="underline">
            Create a dynamic segment
          </PageLink>{" "}
          of this database first.
        </EmptyState>
      ) : null}
    </>
  );
}
