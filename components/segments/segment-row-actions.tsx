"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { MoreHorizontal } from "lucide-react";
import { ConfirmDialog } from "@/components/forms/confirm-dialog";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { BulkEditDialog } from "@/components/segment-actions/bulk-edit-dialog";
import { CopyToStaticSegmentDialog } from "@/components/segment-actions/copy-to-static-segment-dialog";
import { ExportHistoryDialog } from "@/components/segment-actions/export-history-dialog";
import { ExportProfilesDialog } from "@/components/segment-actions/export-profiles-dialog";
import { usePageNavigation } from "@/components/shell/page-navigation";
import { cloneSegmentAction, moveSegmentToBinAction } from "@/lib/dynamic-segments/actions";

type ActionDialogName = "copy" | "update" | "export" | "history" | null;

export function SegmentRowActions({ id, name, dependents }: { id: number; name: string; dependents: string[] }) {
  const router = useRouter();
  const pages = usePageNavigation();
  const [confirmOpen, setConfirmOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const [dialog, setDialog] = useState<ActionDialogName>(null);
  const source = { source: { segmentId: id }, label: `the segment “${name}”` };
  const dialogProps = (which: Exclude<ActionDialogName, null>) => ({ open: dialog === which, onOpenChange: (o: boolean) => setDialog(o ? which : null), source });

  const clone = () =>
    startTransition(async () => {
      const result = await cloneSegmentAction({ id });
      if (result.ok) pages.push(`/segments/dynamic/${result.data.id}`);
      else setError(result.message);
    });

  const bin = () =>
    startTransition(async () => {
      const result = await moveSegmentToBinAction({ id });
      if (result.ok) {
        setConfirmOpen(false);
        router.refresh();
      } else setError(result.message);
    });

  return (
    <>
      <DropdownMenu>
        <DropdownMenuTrigger asChild>
          <Button variant="ghost" size="icon-sm" aria-label={`Actions for ${name}`} disabled={pending}>
            <MoreHorizontal />
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="end">
          <DropdownMenuItem onSelect={() => pages.push(`/segments/dynamic/${id}`)}>Open segment</DropdownMenuItem>
          <DropdownMenuSeparator />
          <DropdownMenuItem onSelect={() => setDialog("copy")}>Copy profiles from segment</DropdownMenuItem>
          <DropdownMenuItem onSelect={() => setDialog("update")}>Update profiles</DropdownMenuItem>
          <DropdownMenuItem onSelect={() => setDialog("export")}>Export profiles</DropdownMenuItem>
          <DropdownMenuItem onSelect={() => setDialog("history")}>Export profile history</DropdownMenuItem>
          <DropdownMenuItem onSelect={() => pages.push(`/segments/dynamic/${id}/analytics`)}>Analytics</DropdownMenuItem>
          <DropdownMenuSeparator />
          <DropdownMenuItem onSelect={clone}>Clone segment</DropdownMenuItem>
          <DropdownMenuSeparator />
          <DropdownMenuItem variant="destructive" onSelect={() => setConfirmOpen(true)}>
            Delete segment
          </DropdownMenuItem>
        </DropdownMenuContent>
      </DropdownMenu>
      <CopyToStaticSegmentDialog {...dialogProps("copy")} title="Copy profiles from segment" />
      <BulkEditDialog {...dialogProps("update")} title="Update profiles" />
      <ExportProfilesDialog {...dialogProps("export")} />
      <ExportHistoryDialog {...dialogProps("history")} />
      <ConfirmDialog
        open={confirmOpen}
        onOpenChange={setConfirmOpen}
        title={<>Move “{name}” to the bin?</>}
        block
        description={
          <>
            {dependents.length ? (
              <>
                <p>This segment is used by:</p>
                <ul className="my-2 list-disc pl-5">
                  {dependents.map((d) => (
                    <li key={d}>{d}</li>
                  ))}
                </ul>
                <p>They will keep pointing to it while it is in the bin.</p>
              </>
            ) : (
              <p>No mailing or scenario uses it.</p>
            )}
            <p className="mt-2">You can restore it from the bin at any time.</p>
          </>
        }
        confirm={
          <Button variant="destructive" onClick={bin} disabled={pending}>
            Move to bin
          </Button>
        }
      />
      {error ? (
        <p role="alert" className="mt-1 text-xs text-destructive">
          {error}
        </p>
      ) : null}
    </>
  );
}
