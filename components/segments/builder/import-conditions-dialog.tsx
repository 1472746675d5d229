"use client";

import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { NativeSelect } from "@/components/ui/native-select";
import { importConditionsAction } from "@/lib/dynamic-segments/builder-actions";
import type { Script } from "@/lib/segments/script";
import type { BuilderOptions } from "@/lib/dynamic-segments/builder-types";
import { LabeledField } from "@/components/forms/form-bits";

/** Appends the condition groups of another segment of the same database. */
export function ImportConditionsDialog(props: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  databaseId: number | null;
  segmentId?: number;
  options: BuilderOptions;
  onImport: (script: Script) => void;
  onCloseAutoFocus?: (event: Event) => void;
}) {
  const [choice, setChoice] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const candidates = props.options.dynamicSegments.filter((s) => s.databaseId === props.databaseId && s.id !== props.segmentId);

  const submit = () =>
    startTransition(async () => {
      const result = await importConditionsAction({ segmentId: Number(choice) });
      if (!result.ok) return setError(result.message);
      if (!result.data.groups.length) return setError("That segment has no conditions to import.");
      props.onImport(result.data);
      setChoice("");
      setError(null);
      props.onOpenChange(false);
    });

  return (
    <Dialog open={props.open} onOpenChange={props.onOpenChange}>
      <DialogContent onCloseAutoFocus={props.onCloseAutoFocus}>
        <DialogHeader>
          <DialogTitle>Import conditions</DialogTitle>
          <DialogDescription>The groups of the chosen segment are added after the groups you have.</DialogDescription>
        </DialogHeader>
        {candidates.length ? (
          <LabeledField id="import-from" label="Import from segment">
            <NativeSelect id="import-from" value={choice} onChange={(e) => setChoice(e.target.value)}>
              <option value="">Choose a segment…</option>
              {candidates.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </NativeSelect>
          </LabeledField>
        ) : (
          <p className="text-sm text-muted-foreground">No other segment of this profile database exists yet.</p>
        )}
        {error ? (
          <p role="alert" className="text-sm text-destructive">
            {error}
          </p>
        ) : null}
        <DialogFooter>
          <Button variant="outline" onClick={() => props.onOpenChange(false)}>
            Cancel
          </Button>
          <Button onClick={submit} disabled={!choice || pending}>
            Import
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
