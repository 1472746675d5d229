import type { Metadata } from "next";
import { PageLink } from "@/components/shell/page-link";
import { CampaignForm } from "@/components/scenarios/campaign-form";
import { EmptyState, PageHeader } from "@/components/shell/page-header";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { getDb } from "@/db/client";
import { requireUser } from "@/lib/auth/session";
import { loadBuilderOptions } from "@/lib/dynamic-segments/builder-options";
import { formatDateTime } from "@/lib/format";
import { createMailingAction } from "@/lib/mailings/actions";
import { listMailings } from "@/lib/mailings/queries";
import { cn } from "@/lib/utils";
import { versionHref } from "@/components/segments/versions/version-link";

export const metadata: Metadata = { title: "Mailings" };

export default async function MailingsPage({ searchParams }: { searchParams: Promise<{ highlight?: string }> }) {
  const user = await requireUser();
  const db = await getDb();
  const [mailings, options] = await Promise.all([listMailings(db, user), loadBuilderOptions(db, user)]);
  const highlight = Number((await searchParams).highlight);
  return (
    <>
      <PageHeader title="Mailings" description="Sends to a profile database, or to one of its dynamic segments (the segment then lists the mailing among its dependent objects)." />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        {mailings.length ? (
          <div className="rounded-lg border">
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Name</TableHead>
                  <TableHead>Source</TableHead>
                  <TableHead>Segment</TableHead>
                  <TableHead>Created</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {mailings.map((m) => (
                  <TableRow key={m.id} className={cn(m.id === highlight && "bg-amber-50")} aria-current={m.id === highlight ? "true" : undefined}>
                    <TableCell className="font-medium">{m.name}</TableCell>
                    <TableCell className="text-muted-foreground">{m.databaseName}</TableCell>
                    <TableCell>
                      {m.segmentName ? (
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
                      ) : (
                        "—"
                      )}
                    </TableCell>
                    <TableCell className="text-muted-foreground">{formatDateTime(m.createdAt)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        ) : (
          <EmptyState title="No mailings yet">Create one with a segment; the segment then shows it among its dependent objects.</EmptyState>
        )}
        <CampaignForm heading="Create mailing" idPrefix="mailing" action={createMailingAction} databases={options.databases} segments={options.dynamicSegments} />
      </div>
    </>
  );
}
