"use client";

import { useState } from "react";
import Link from "next/link";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/native-select";
import { submitSelectionAction } from "@/lib/segment-actions/actions";
import { ActionDialog } from "./action-dialog";
import { useActionTargets, type DialogSource } from "./use-targets";

/** "Copy profiles to profile database": new profiles in another visible database; a known email is skipped or updated. */
export function CopyToDatabaseDialog({ open, onOpenChange, source }: { open: boolean; onOpenChange: (open: boolean) => void; source: DialogSource }) {
  const { targets, error } = useActionTargets(open, source.source);
  const [targetId, setTargetId] = useState("");
  const [mode, setMode] = useState<"skip" | "update">("skip");
  const target = targets?.databases.find((d) => String(d.id) === targetId);
  const shared = target ? (targets?.fields ?? []).filter((f) => target.fields.some((t) => t.key === f.key && t.type === f.type)) : [];

  return (
    <ActionDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Copy profiles to profile database"
      description={<>Copies the profiles of {source.label} into another profile database as new profiles: system fields, subscriptions, and the custom fields both databases declare with the same key and type.</>}
      submitLabel="Copy profiles"
      canSubmit={targetId !== ""}
      onSubmit={(key) => submitSelectionAction("copy_to_database", { source: source.source, targetDatabaseId: Number(targetId), onExistingEmail: mode, idempotencyKey: key })}
    >
      {error ? <p role="alert" className="text-sm text-destructive">{error}</p> : null}
      {targets && targets.databases.length === 0 ? (
        <div role="status" className="rounded-md border border-dashed px-3 py-3 text-sm">
          <p className="font-medium">There is no other profile database to copy into.</p>
          <p className="mt-1 text-muted-foreground">
            Profiles are copied into another database you can see. Create one first, then come back.
          </p>
          <Link href="/databases/new" className="mt-2 inline-block font-medium text-primary underline underline-offset-4">
            Create a profile database
          </Link>
        </div>
      ) : (
      <>
      <div className="grid gap-1.5">
        <Label htmlFor="copy-target-database">Target database</Label>
        <NativeSelect id="copy-target-database" value={targetId} onChange={(e) => setTargetId(e.target.value)}>
          <option value="">{targets ? "Choose a profile database" : "Loading…"}</option>
          {(targets?.databases ?? []).map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </NativeSelect>
        {target ? (
          <p className="text-xs text-muted-foreground">
            Custom fields copied: {shared.length ? shared.map((f) => f.key).join(", ") : "none (the databases share no field of the same key and type)"}.
          </p>
        ) : null}
      </div>
      <fieldset className="grid gap-2">
        <legend className="mb-1 text-sm font-medium">When the email is already in the target</legend>
        <label className="flex items-center gap-2 text-sm">
          <input type="radio" name="existing-email" value="skip" checked={mode === "skip"} onChange={() => setMode("skip")} className="size-4 accent-primary" />
          Skip the profile
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input type="radio" name="existing-email" value="update" checked={mode === "update"} onChange={() => setMode("update")} className="size-4 accent-primary" />
          Update the existing profile
        </label>
      </fieldset>
      </>
      )}
    </ActionDialog>
  );
}
