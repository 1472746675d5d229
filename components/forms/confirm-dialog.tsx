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
import type { ActionResult } from "@/lib/actions/result";

/**
 * "Are you sure?": a title, what will happen, then Cancel and the confirming button. Opened by its
 * `trigger` (a button) or by the caller's state; `children` go between the words and the buttons
 * (what will change, an error). A `description` that holds paragraphs or a list is given as `block`.
 */
export function ConfirmDialog(props: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  trigger?: React.ReactElement;
  title: React.ReactNode;
  description: React.ReactNode;
  block?: boolean;
  children?: React.ReactNode;
  /** The confirming button. */
  confirm: React.ReactNode;
  cancelDisabled?: boolean;
}) {
  return (
    <AlertDialog open={props.open} onOpenChange={props.onOpenChange}>
      {props.trigger ? <AlertDialogTrigger asChild>{props.trigger}</AlertDialogTrigger> : null}
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>{props.title}</AlertDialogTitle>
          {props.block ? (
            <AlertDialogDescription asChild>
              <div>{props.description}</div>
            </AlertDialogDescription>
          ) : (
            <AlertDialogDescription>{props.description}</AlertDialogDescription>
          )}
        </AlertDialogHeader>
        {props.children}
        <AlertDialogFooter>
          <AlertDialogCancel disabled={props.cancelDisabled}>Cancel</AlertDialogCancel>
          {props.confirm}
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}

/**
 * Runs a row's action (restore, revoke, remove, move to the bin) in a transition: on success `onDone`
 * (close the confirmation…) and the page's server data refreshed; on failure the action's message in
 * `error`, for the caller to show.
 */
export function useRowAction() {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const run = <T,>(work: () => Promise<ActionResult<T>>, onDone?: () => void) =>
    startTransition(async () => {
      const result = await work();
      if (result.ok) {
        onDone?.();
        router.refresh();
      } else setError(result.message);
    });
  return { pending, error, run };
}
