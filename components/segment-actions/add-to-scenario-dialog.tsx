"use client";

import { useState } from "react";
import Link from "next/link";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/native-select";
import { formatCount } from "@/lib/format";
import { submitSelectionAction } from "@/lib/segment-actions/actions";
import { ActionDialog } from "./action-dialog";
import { useActionTargets, type DialogSource } from "./use-targets";

/** "Add profiles to scenario": a scenario of the same database; profiles already in it are not added twice. */
export function AddToScenarioDialog({ open, onOpenChange, source }: { open: boolean; onOpenChange: (open: boolean) => void; source: DialogSource }) {
  const { targets, error } = useActionTargets(open, source.source);
  const [scenarioId, setScenarioId] = useState("");
  const scenarios = targets?.scenarios ?? [];
  return (
    <ActionDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Add profiles to scenario"
      description={<>Adds the profiles of {source.label} to a scenario of the same profile database. Profiles already in it are not added twice.</>}
      submitLabel="Add profiles"
      canSubmit={scenarioId !== ""}
      onSubmit={(key) => submitSelectionAction("add_to_scenario", { source: source.source, scenarioId: Number(scenarioId), idempotencyKey: key })}
    >
      {error ? <p role="alert" className="text-sm text-destructive">{error}</p> : null}
      <div className="grid gap-1.5">
        <Label htmlFor="scenario-target">Scenario</Label>
        <NativeSelect id="scenario-target" value={scenarioId} onChange={(e) => setScenarioId(e.target.value)}>
          <option value="">{targets ? "Choose a scenario" : "Loading…"}</option>
          {scenarios.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name} ({formatCount(s.participantCount)} participants)
            </option>
          ))}
        </NativeSelect>
        {targets && scenarios.length === 0 ? (
          <p className="text-xs text-muted-foreground">
            This database has no scenario yet. <Link href="/scenarios" className="underline">Create one</Link> first.
          </p>
        ) : null}
      </div>
    </ActionDialog>
  );
}
