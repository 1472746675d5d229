"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { MoreHorizontal } from "lucide-react";
import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { cloneSegmentAction, moveSegmentToBinAction } from "@/lib/dynamic-segments/actions";

export function SegmentRowActions({ id, name, dependents }: { id: number; name: string; dependents: string[] }) {
  const router = useRouter();
  const [confirmOpen, setConfirmOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const clone = () =>
    startTransition(async () => {
      const result = await cloneSegmentAction(id);
      if (result.ok) router.push(`/segments/dynamic/${result.data.id}`);
      else setError(result.message);
    });

  const bin = () =>
    startTransition(async () => {
      const result = await moveSegmentToBinAction(id);
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
          <DropdownMenuItem onSelect={() => router.push(`/segments/dynamic/${id}`)}>Open segment</DropdownMenuItem>
          <DropdownMenuItem onSelect={clone}>Clone segment</DropdownMenuItem>
          <DropdownMenuSeparator />
          <DropdownMenuItem variant="destructive" onSelect={() => setConfirmOpen(true)}>
            Delete segment
          </DropdownMenuItem>
        </DropdownMenuContent>
      </DropdownMenu>
      <AlertDialog open={confirmOpen} onOpenChange={setConfirmOpen}>
        <AlertDialogContent>
          <AlertDialogHeader>
            <AlertDialogTitle>Move “{name}” to the bin?</AlertDialogTitle>
            <AlertDialogDescription asChild>
              <div>
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
              </div>
            </AlertDialogDescription>
          </AlertDialogHeader>
          <AlertDialogFooter>
            <AlertDialogCancel>Cancel</AlertDialogCancel>
            <Button variant="destructive" onClick={bin} disabled={pending}>
              Move to bin
            </Button>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
      {error ? (
        <p role="alert" className="mt-1 text-xs text-destructive">
          {error}
        </p>
      ) : null}
    </>
  );
}
