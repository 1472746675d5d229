"use client";

import { useActionState, useState } from "react";
import { ExplainProfileLink } from "@/components/segments/explain/explain-profile-link";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatCount, formatDateTime } from "@/lib/format";
import { removeStaticSegmentMembersAction } from "@/lib/static-segments/actions";

type Member = { id: number; email: string | null; firstName: string | null; lastName: string | null; addedAt: string };

/**
 * The members of a static segment (one page), with "Remove from segment" for the ticked ones and a link to explain each.
 * The explain link comes right after the id, so on a phone it is in view without scrolling the table sideways.
 */
export function MembersTable({ segmentId, databaseId, members }: { segmentId: number; databaseId: number; members: Member[] }) {
  const [state, action, pending] = useActionState(removeStaticSegmentMembersAction, null);
  const [ticked, setTicked] = useState<Set<number>>(new Set());
  const toggle = (id: number, on: boolean) =>
    setTicked((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  return (
    <form action={action} className="grid grid-cols-[minmax(0,1fr)] gap-3">
      <input type="hidden" name="segmentId" value={segmentId} />
      <div className="flex items-center gap-3">
        <Button type="submit" variant="outline" size="sm" disabled={pending || ticked.size === 0}>
          Remove from segment
        </Button>
        <span className="text-sm text-muted-foreground" aria-live="polite">
          {state && !state.ok ? <span role="alert" className="text-destructive">{state.message}</span> : null}
          {state?.ok ? `Removed ${formatCount(state.data.removed)} profile${state.data.removed === 1 ? "" : "s"}.` : ticked.size ? `${ticked.size} selected` : null}
        </span>
      </div>
      <div className="rounded-lg border">
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead className="w-10">
                <span className="sr-only">Select</span>
              </TableHead>
              <TableHead>Profile id</TableHead>
              <TableHead>
                <span className="sr-only">Explain</span>
              </TableHead>
              <TableHead>Email</TableHead>
              <TableHead>Name</TableHead>
              <TableHead>Added</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {members.map((m) => (
              <TableRow key={m.id}>
                <TableCell>
                  <input
                    type="checkbox"
                    name="profileId"
                    value={m.id}
                    aria-label={`Select profile ${m.id}`}
                    checked={ticked.has(m.id)}
                    onChange={(e) => toggle(m.id, e.target.checked)}
                    className="size-4 accent-primary"
                  />
                </TableCell>
                <TableCell className="tabular-nums">{m.id}</TableCell>
                <TableCell>
                  <ExplainProfileLink profileId={m.id} databaseId={databaseId} />
                </TableCell>
                <TableCell>{m.email ?? "—"}</TableCell>
                <TableCell>{[m.firstName, m.lastName].filter(Boolean).join(" ") || "—"}</TableCell>
                <TableCell className="text-muted-foreground">{formatDateTime(m.addedAt)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    </form>
  );
}
