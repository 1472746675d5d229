"use client";

import { useState } from "react";
import { ConfirmDialog, useRowAction } from "@/components/forms/confirm-dialog";
import { Button } from "@/components/ui/button";
import { deleteSegmentPermanentlyAction, restoreSegmentAction } from "@/lib/dynamic-segments/actions";

export function BinActions({ id, name, canDeletePermanently }: { id: number; name: string; canDeletePermanently: boolean }) {
  const { pending, error, run } = useRowAction();
  const [open, setOpen] = useState(false);

  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex justify-end gap-2">
        <Button size="sm" variant="outline" disabled={pending} onClick={() => run(() => restoreSegmentAction({ id }), () => setOpen(false))} aria-label={`Restore ${name}`}>
          Restore
        </Button>
        {canDeletePermanently ? (
          <ConfirmDialog
            open={open}
            onOpenChange={setOpen}
            trigger={
              <Button size="sm" variant="ghost" className="text-destructive" disabled={pending} aria-label={`Delete ${name} permanently`}>
                Delete permanently
              </Button>
            }
            title={<>Delete “{name}” permanently?</>}
            description="The segment, its conditions and its update log are removed for good. This cannot be undone."
            confirm={
              <Button variant="destructive" disabled={pending} onClick={() => run(() => deleteSegmentPermanentlyAction({ id }), () => setOpen(false))}>
                Delete permanently
              </Button>
            }
          />
        ) : null}
      </div>
      {error ? (
        <p role="alert" className="text-xs text-destructive">
          {error}
        </p>
      ) : null}
    </div>
  );
}
