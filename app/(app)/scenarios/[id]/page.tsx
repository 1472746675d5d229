import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ExplainProfileLink } from "@/components/segments/explain/explain-profile-link";
import { KeysetPager, ListCount, ListTable } from "@/components/shell/list-table";
import { Breadcrumb, EmptyState, PageHeader } from "@/components/shell/page-header";
import { getDb } from "@/db/client";
import { requireUser } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import { formatCount, formatDateTime } from "@/lib/format";
import { listParticipants } from "@/lib/scenarios/queries";

export const metadata: Metadata = { title: "Scenario" };

export default async function ScenarioPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ after?: string }> }) {
  const user = await requireUser();
  const id = Number((await params).id);
  const after = Number((await searchParams).after) || undefined;
  const { scenario, participants, hasMore } = await listParticipants(await getDb(), user, id, { afterId: after, pageSize: 50 }).catch((error: unknown) => {
    if (isAppError(error) && error.code === "not_found") notFound();
    throw error;
  });
  return (
    <>
      <Breadcrumb trail={[{ href: "/scenarios", label: "Scenarios" }]} current={scenario.name} />
      <PageHeader
        title={scenario.name}
        description={`A scenario of ${scenario.databaseName}${scenario.segmentName ? `, fed by the segment “${scenario.segmentName}”` : ""}.`}
      />
      <ListCount label="Participants" name="Participant count" value={formatCount(scenario.participantCount)} />
      {participants.length ? (
        <ListTable
          rows={participants}
          columns={[
            { header: "Profile id", className: "tabular-nums", cell: (p) => p.id },
            { header: "Email", cell: (p) => p.email ?? "—" },
            { header: "Name", cell: (p) => [p.firstName, p.lastName].filter(Boolean).join(" ") || "—" },
            { header: "Added", className: "text-muted-foreground", cell: (p) => formatDateTime(p.addedAt) },
            {
              header: <span className="sr-only">Explain</span>,
              // Participants came from the segment that feeds the scenario: explain them against it.
              cell: (p) => <ExplainProfileLink profileId={p.id} databaseId={scenario.databaseId} segmentId={scenario.segmentName ? scenario.segmentId : null} />,
            },
          ]}
        />
      ) : (
        <EmptyState title={after ? "No more participants" : "No participants yet"}>Add profiles from a dynamic segment with “Add profiles to scenario”.</EmptyState>
      )}
      <KeysetPager href={`/scenarios/${scenario.id}`} after={after} nextAfter={hasMore ? participants[participants.length - 1].id : null} />
    </>
  );
}
