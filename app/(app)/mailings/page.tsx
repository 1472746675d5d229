import type { Metadata } from "next";
import { PageLink } from "@/components/shell/page-link";
import { CampaignForm } from "@/components/scenarios/campaign-form";
import { createdColumn, ListPage, sourceColumn } from "@/components/shell/list-table";
import { EmptyState } from "@/components/shell/page-header";
import { getDb } from "@/db/client";
import { requireUser } from "@/lib/auth/session";
import { loadBuilderOptions } from "@/lib/dynamic-segments/builder-options";
import { createMailingAction } from "@/lib/mailings/actions";
import { listMailings, type MailingRow } from "@/lib/mailings/queries";
import { versionHref } from "@/components/segments/versions/version-link";

export const metadata: Metadata = { title: "Mailings" };

function SegmentCell({ m }: { m: MailingRow }) {
  if (!m.segmentName) return "—";
  return (
    <>
      <PageLink href={`/segments/dynamic/${m.segmentId}`} className="hover:underline">
        {m.segmentName}
      </PageLink>
      {m.segmentId && m.segmentVersion ? (
        <PageLink href={versionHref(m.segmentId, m.segmentVersion)} className="ml-2 text-xs text-muted-foreground hover:underline">
          version {m.segmentVersion}
        </PageLink>
      ) : null}
    </>
  );
}

export default async function MailingsPage({ searchParams }: { searchParams: Promise<{ highlight?: string }> }) {
  const user = await requireUser();
  const db = await getDb();
  const [mailings, options] = await Promise.all([listMailings(db, user), loadBuilderOptions(db, user)]);
  return (
    <ListPage
      title="Mailings"
      description="Sends to a profile database, or to one of its dynamic segments (the segment then lists the mailing among its dependent objects)."
      rows={mailings}
      highlight={Number((await searchParams).highlight)}
      columns={[
        { header: "Name", className: "font-medium", cell: (m) => m.name },
        sourceColumn,
        { header: "Segment", cell: (m) => <SegmentCell m={m} /> },
        createdColumn,
      ]}
      empty={<EmptyState title="No mailings yet">Create one with a segment; the segment then shows it among its dependent objects.</EmptyState>}
      form={<CampaignForm heading="Create mailing" idPrefix="mailing" action={createMailingAction} databases={options.databases} segments={options.dynamicSegments} />}
    />
  );
}
