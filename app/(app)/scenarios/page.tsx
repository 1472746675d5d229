import type { Metadata } from "next";
import { PageLink } from "@/components/shell/page-link";
import { CampaignForm } from "@/components/scenarios/campaign-form";
import { createdColumn, ListPage, sourceColumn } from "@/components/shell/list-table";
import { EmptyState } from "@/components/shell/page-header";
import { getDb } from "@/db/client";
import { requireUser } from "@/lib/auth/session";
import { loadBuilderOptions } from "@/lib/dynamic-segments/builder-options";
import { formatCount } from "@/lib/format";
import { createScenarioAction } from "@/lib/scenarios/actions";
import { listScenarios } from "@/lib/scenarios/queries";

export const metadata: Metadata = { title: "Scenarios" };

export default async function ScenariosPage({ searchParams }: { searchParams: Promise<{ highlight?: string }> }) {
  const user = await requireUser();
  const db = await getDb();
  const [scenarios, options] = await Promise.all([listScenarios(db, user), loadBuilderOptions(db, user)]);
  return (
    <ListPage
      title="Scenarios"
      description="Automated journeys that profiles enter from a segment. Add profiles with “Add profiles to scenario”."
      rows={scenarios}
      highlight={Number((await searchParams).highlight)}
      columns={[
        {
          header: "Name",
          className: "font-medium",
          cell: (s) => (
            <PageLink href={`/scenarios/${s.id}`} className="hover:underline">
              {s.name}
            </PageLink>
          ),
        },
        sourceColumn,
        {
          header: "Segment",
          cell: (s) => (s.segmentName ? <PageLink href={`/segments/dynamic/${s.segmentId}`} className="hover:underline">{s.segmentName}</PageLink> : "—"),
        },
        { header: "Participants", headerClassName: "text-right", className: "text-right tabular-nums", cell: (s) => formatCount(s.participantCount) },
        createdColumn,
      ]}
      empty={<EmptyState title="No scenarios yet">Create one, then add profiles to it from a dynamic segment.</EmptyState>}
      form={<CampaignForm heading="Create scenario" idPrefix="scenario" action={createScenarioAction} databases={options.databases} segments={options.dynamicSegments} />}
    />
  );
}
