import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ExplainProfileLink } from "@/components/segments/explain/explain-profile-link";
import { EmptyState, PageHeader } from "@/components/shell/page-header";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
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
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-muted-foreground">
        <Link href="/scenarios" className="hover:underline">
          Scenarios
        </Link>{" "}
        / {scenario.name}
      </nav>
      <PageHeader
        title={scenario.name}
        description={`A scenario of ${scenario.databaseName}${scenario.segmentName ? `, fed by the segment “${scenario.segmentName}”` : ""}.`}
      />
      <p className="mb-4 text-sm">
        <span className="text-muted-foreground">Participants: </span>
        <span aria-label="Participant count" className="font-semibold tabular-nums">
          {formatCount(scenario.participantCount)}
        </span>
      </p>
      {participants.length ? (
        <div className="rounded-lg border">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Profile id</TableHead>
                <TableHead>Email</TableHead>
                <TableHead>Name</TableHead>
                <TableHead>Added</TableHead>
                <TableHead>
                  <span className="sr-only">Explain</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {participants.map((p) => (
                <TableRow key={p.id}>
                  <TableCell className="tabular-nums">{p.id}</TableCell>
                  <TableCell>{p.email ?? "—"}</TableCell>
                  <TableCell>{[p.firstName, p.lastName].filter(Boolean).join(" ") || "—"}</TableCell>
                  <TableCell className="text-muted-foreground">{formatDateTime(p.addedAt)}</TableCell>
                  <TableCell>
                    {/* Participants came from the segment that feeds the scenario: explain them against it. */}
                    <ExplainProfileLink profileId={p.id} databaseId={scenario.databaseId} segmentId={scenario.segmentName ? scenario.segmentId : null} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      ) : (
        <EmptyState title={after ? "No more participants" : "No participants yet"}>Add profiles from a dynamic segment with “Add profiles to scenario”.</EmptyState>
      )}
      <nav aria-label="Pagination" className="mt-4 flex gap-2">
        {after ? (
          <Button asChild variant="outline" size="sm">
            <Link href={`/scenarios/${scenario.id}`}>First page</Link>
          </Button>
        ) : null}
        {hasMore ? (
          <Button asChild variant="outline" size="sm">
            <Link href={`/scenarios/${scenario.id}?after=${participants[participants.length - 1].id}`}>Next</Link>
          </Button>
        ) : null}
      </nav>
    </>
  );
}
