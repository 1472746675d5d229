"use client";

import { useState } from "react";
import { Copy, Database, Download, PencilLine, Workflow } from "lucide-react";
import { Button } from "@/components/ui/button";
import { AddToScenarioDialog } from "./add-to-scenario-dialog";
import { BulkEditDialog } from "./bulk-edit-dialog";
import { CopyToDatabaseDialog } from "./copy-to-database-dialog";
import { CopyToStaticSegmentDialog } from "./copy-to-static-segment-dialog";
import { ExportProfilesDialog } from "./export-profiles-dialog";
import type { DialogSource } from "./use-targets";

type Open = "database" | "static" | "export" | "edit" | "scenario" | null;

/**
 * The builder's quick actions (SPEC §4) on the current selection, saved or not. The form shows them
 * once the selection has at least one condition. An unchanged saved segment acts as itself (its update
 * log records the action); an edited or unsaved one acts as its current rule.
 */
export function QuickActions({ source }: { source: DialogSource }) {
  const [open, setOpen] = useState<Open>(null);
  const dialog = (which: Exclude<Open, null>) => ({ open: open === which, onOpenChange: (o: boolean) => setOpen(o ? which : null), source });
  const item = (which: Exclude<Open, null>, label: string, Icon: typeof Copy) => (
    <Button type="button" variant="outline" size="sm" className="justify-start" onClick={() => setOpen(which)}>
      <Icon aria-hidden />
      {label}
    </Button>
  );
  return (
    <section aria-labelledby="quick-actions-heading" className="rounded-lg border bg-card p-4 shadow-xs">
      <h2 id="quick-actions-heading" className="mb-3 text-sm font-semibold">
        Quick actions
      </h2>
      <div className="grid gap-2">
        {item("database", "Copy profiles to profile database", Database)}
        {item("static", "Copy profiles to static segment", Copy)}
        {item("export", "Export profiles", Download)}
        {item("edit", "Bulk edit profiles", PencilLine)}
        {item("scenario", "Add profiles to scenario", Workflow)}
      </div>
      <CopyToDatabaseDialog {...dialog("database")} />
      <CopyToStaticSegmentDialog {...dialog("static")} title="Copy profiles to static segment" />
      <ExportProfilesDialog {...dialog("export")} />
      <BulkEditDialog {...dialog("edit")} title="Bulk edit profiles" />
      <AddToScenarioDialog {...dialog("scenario")} />
    </section>
  );
}
