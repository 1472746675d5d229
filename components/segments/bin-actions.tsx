"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { deleteSegmentPermanentlyAction, restoreSegmentAction } from "@/lib/dynamic-segments/actions";
import type { ActionResult } from "@/lib/actions/result";

export function BinActions({ id, name, canDeletePermanently }: { id: number; name: string; canDeletePermanently: boolean }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState(false);

  const run = (action: (input: { id: number }) => Promise<ActionResult>) =>
    startTransition(async () => {
      const result = await action({ id });
      if (result.ok) {
        setOpen(false);
        router.refresh();
      } else setError(result.message ?? "That did not work.");
    });

  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex justify-end gap-2">
        <Button size="sm" variant="outline" disabled={pending} onClick={() => run(restoreSegmentAction)} aria-label={`Restore ${name}`}>
          Restore
        </Button>
        {canDeletePermanently ? (
          <AlertDialog open={open} onOpenChange={setOpen}>
            <AlertDialogTrigger asChild>
              <Button size="sm" variant="ghost" className="text-destructive" disabled={pending} aria-label={`Delete ${name} permanently`}>
                Delete permanently
              </Button>
            </AlertDialogTrigger>
            <AlertDialogContent>
              <AlertDialogHeader>
                <AlertDialogTitle>Delete “{name}” permanently?</AlertDialogTitle>
                <AlertDialogDescription>
                  The segment, its conditions and its update log are removed for good. This cannot be undone.
                </AlertDialogDescription>
              </AlertDialogHeader>
              <AlertDialogFooter>
                <AlertDialogCancel>Cancel</AlertDialogCancel>
                <Button variant="destructive" disabled={pending} onClick={() => run(deleteSegmentPermanentlyAction)}>
                  Delete permanently
                </Button>
              </AlertDialogFooter>
            </AlertDialogContent>
          </AlertDialog>
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
