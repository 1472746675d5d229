import type { Metadata } from "next";
import { PageLink } from "@/components/shell/page-link";
import { CampaignForm } from "@/components/scenarios/campaign-form";
import { EmptyState, PageHeader } from "@/components/shell/page-header";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { getDb } from "@/db/client";
import { requireUser } from "@/lib/auth/session";
import { loadBuilderOptions } from "@/lib/dynamic-segments/builder-options";
import { formatCount, formatDateTime } from "@/lib/format";
import { createScenarioAction } from "@/lib/scenarios/actions";
import { listScenarios } from "@/lib/scenarios/queries";
import { cn } from "@/lib/utils";

export const metadata: Metadata = { title: "Scenarios" };

export default async function ScenariosPage({ searchParams }: { searchParams: Promise<{ highlight?: string }> }) {
  const user = await requireUser();
  const db = await getDb();
  const [scenarios, options] = await Promise.all([listScenarios(db, user), loadBuilderOptions(db, user)]);
  const highlight = Number((await searchParams).highlight);
  return (
    <>
      <PageHeader title="Scenarios" description="Automated journeys that profiles enter from a segment. Add profiles with “Add profiles to scenario”." />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        {scenarios.length ? (
          <div className="rounded-lg border">
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Name</TableHead>
                  <TableHead>Source</TableHead>
                  <TableHead>Segment</TableHead>
                  <TableHead className="text-right">Participants</TableHead>
                  <TableHead>Created</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {scenarios.map((s) => (
                  <TableRow key={s.id} className={cn(s.id === highlight && "bg-amber-50")} aria-current={s.id === highlight ? "true" : undefined}>
                    <TableCell className="font-medium">
                      <PageLink href={`/scenarios/${s.id}`} className="hover:underline">
                        {s.name}
                      </PageLink>
                    </TableCell>
                    <TableCell className="text-muted-foreground">{s.databaseName}</TableCell>
                    <TableCell>{s.segmentName ? <PageLink href={`/segments/dynamic/${s.segmentId}`} className="hover:underline">{s.segmentName}</PageLink> : "—"}</TableCell>
                    <TableCell className="text-right tabular-nums">{formatCount(s.participantCount)}</TableCell>
                    <TableCell className="text-muted-foreground">{formatDateTime(s.createdAt)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        ) : (
          <EmptyState title="No scenarios yet">Create one, then add profiles to it from a dynamic segment.</EmptyState>
        )}
        <CampaignForm heading="Create scenario" idPrefix="scenario" action={createScenarioAction} databases={options.databases} segments={options.dynamicSegments} />
      </div>
    </>
  );
}
