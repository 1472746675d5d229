"use client";

import { useState } from "react";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/native-select";
import { formatCount } from "@/lib/format";
import { submitSelectionAction } from "@/lib/segment-actions/actions";
import { ActionDialog } from "./action-dialog";
import { useActionTargets, type DialogSource } from "./use-targets";

/** "Copy profiles to static segment" (and the list's "Copy profiles from segment"): an existing static segment of the database, or a new one. */
export function CopyToStaticSegmentDialog({ open, onOpenChange, source, title }: { open: boolean; onOpenChange: (open: boolean) => void; source: DialogSource; title: string }) {
  const { targets, error } = useActionTargets(open, source.source);
  const [mode, setMode] = useState<"existing" | "new">("existing");
  const [segmentId, setSegmentId] = useState("");
  const [name, setName] = useState("");
  const segments = targets?.staticSegments ?? [];
  const effectiveMode = targets && segments.length === 0 ? "new" : mode;
  const target = effectiveMode === "new" ? { newName: name } : { staticSegmentId: Number(segmentId) };

  return (
    <ActionDialog
      open={open}
      onOpenChange={onOpenChange}
      title={title}
      description={<>Adds the profiles of {source.label} to a static segment of the same profile database. Profiles already in it are not added twice.</>}
      submitLabel="Copy profiles"
      canSubmit={Boolean(targets) && (effectiveMode === "new" ? name.trim() !== "" : segmentId !== "")}
      onSubmit={(key) => submitSelectionAction("copy_to_static_segment", { source: source.source, target, idempotencyKey: key })}
    >
      {error ? <p role="alert" className="text-sm text-destructive">{error}</p> : null}
      <div role="radiogroup" aria-label="Target" className="grid gap-3">
        <label className="flex items-center gap-2 text-sm">
          <input type="radio" name="target-mode" value="existing" checked={effectiveMode === "existing"} disabled={targets !== null && segments.length === 0} onChange={() => setMode("existing")} className="size-4 accent-primary" />
          Existing static segment
        </label>
        {effectiveMode === "existing" ? (
          <div className="grid gap-1.5 pl-6">
            <Label htmlFor="copy-static-target">Static segment</Label>
            <NativeSelect id="copy-static-target" value={segmentId} onChange={(e) => setSegmentId(e.target.value)}>
              <option value="">{targets ? "Choose a static segment" : "Loading…"}</option>
              {segments.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name} ({formatCount(s.memberCount)} profiles)
                </option>
              ))}
            </NativeSelect>
          </div>
        ) : null}
        <label className="flex items-center gap-2 text-sm">
          <input type="radio" name="target-mode" value="new" checked={effectiveMode === "new"} onChange={() => setMode("new")} className="size-4 accent-primary" />
          New static segment
        </label>
        {effectiveMode === "new" ? (
          <div className="grid gap-1.5 pl-6">
            <Label htmlFor="copy-static-name">New segment name</Label>
            <Input id="copy-static-name" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
          </div>
        ) : null}
      </div>
    </ActionDialog>
  );
}
