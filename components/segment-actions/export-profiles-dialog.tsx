"use client";

import { useState } from "react";
import { EXPORT_SUBSCRIPTION_COLUMNS, EXPORT_SYSTEM_COLUMNS } from "@/lib/segment-actions/schema";
import { submitSelectionAction } from "@/lib/segment-actions/actions";
import { ActionDialog } from "./action-dialog";
import { useActionTargets, type DialogSource } from "./use-targets";

/** "Export profiles": CSV or NDJSON, the chosen columns, the whole selection in id order; downloadable when done. */
export function ExportProfilesDialog({ open, onOpenChange, source }: { open: boolean; onOpenChange: (open: boolean) => void; source: DialogSource }) {
  const { targets, error } = useActionTargets(open, source.source);
  const [format, setFormat] = useState<"csv" | "ndjson">("csv");
  const [unchecked, setUnchecked] = useState<Set<string>>(new Set());
  const columns = [...EXPORT_SYSTEM_COLUMNS, ...(targets?.fields ?? []).map((f) => f.key), ...EXPORT_SUBSCRIPTION_COLUMNS];
  const chosen = columns.filter((c) => !unchecked.has(c));
  const toggle = (column: string, on: boolean) =>
    setUnchecked((prev) => {
      const next = new Set(prev);
      if (on) next.delete(column);
      else next.add(column);
      return next;
    });

  return (
    <ActionDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Export profiles"
      description={<>Writes every profile of {source.label} in id order to a file you can download when it is ready. CSV has a header row; text that a spreadsheet would read as a formula gets a leading apostrophe.</>}
      submitLabel="Export"
      canSubmit={Boolean(targets) && chosen.length > 0}
      onSubmit={(key) => submitSelectionAction("export_profiles", { source: source.source, format, fields: chosen, idempotencyKey: key })}
    >
      {error ? <p role="alert" className="text-sm text-destructive">{error}</p> : null}
      <fieldset className="flex gap-4">
        <legend className="mb-1 text-sm font-medium">Format</legend>
        <label className="flex items-center gap-2 text-sm">
          <input type="radio" name="export-format" value="csv" checked={format === "csv"} onChange={() => setFormat("csv")} className="size-4 accent-primary" />
          CSV
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input type="radio" name="export-format" value="ndjson" checked={format === "ndjson"} onChange={() => setFormat("ndjson")} className="size-4 accent-primary" />
          NDJSON
        </label>
      </fieldset>
      <fieldset className="grid gap-2">
        <legend className="mb-1 text-sm font-medium">Fields</legend>
        <div className="grid max-h-56 grid-cols-2 gap-x-4 gap-y-1.5 overflow-y-auto rounded-md border p-3">
          {columns.map((c) => (
            <label key={c} className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={!unchecked.has(c)} disabled={!targets} onChange={(e) => toggle(c, e.target.checked)} className="size-4 accent-primary" />
              <code className="text-xs">{c}</code>
            </label>
          ))}
        </div>
        {/* Until the database's fields have arrived the list is not whole: "Clear fields" then would leave them ticked. */}
        <div className="flex gap-3 text-xs">
          <button type="button" className="underline disabled:opacity-50" disabled={!targets} onClick={() => setUnchecked(new Set())}>
            Select all fields
          </button>
          <button type="button" className="underline disabled:opacity-50" disabled={!targets} onClick={() => setUnchecked(new Set(columns))}>
            Clear fields
          </button>
        </div>
      </fieldset>
    </ActionDialog>
  );
}
