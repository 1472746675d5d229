"use client";

import { useState } from "react";
import { ArrowDown, ArrowUp, Braces, ChevronDown, Pencil, Plus, Trash2, X } from "lucide-react";
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
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuTrigger } from "@/components/ui/dropdown-menu";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/native-select";
import { Switch } from "@/components/ui/switch";
import type { Condition, Script } from "@/lib/segments/script";
import { ConditionDialog } from "./condition-dialog";
import { describeCondition } from "./describe";
import { ImportConditionsDialog } from "./import-conditions-dialog";
import type { BuilderOptions } from "@/lib/dynamic-segments/builder-types";
import { ScriptEditorDialog } from "./script-editor-dialog";

type Editing = { group: number; index: number | null } | null;

export const emptyScript = (): Script => ({ logic: "and", groups: [] });

/** The visual condition builder: groups of conditions joined by AND/OR, each group optionally negated. */
export function ConditionBuilder(props: {
  script: Script;
  onChange: (script: Script) => void;
  databaseId: number | null;
  segmentId?: number;
  options: BuilderOptions;
}) {
  const { script, onChange, databaseId, options } = props;
  const [editing, setEditing] = useState<Editing>(null);
  const [confirmClear, setConfirmClear] = useState(false);
  const [importOpen, setImportOpen] = useState(false);
  const [scriptOpen, setScriptOpen] = useState(false);
  const [lastCleared, setLastCleared] = useState<Script | null>(null);

  const groups = script.groups;
  const setGroups = (next: Script["groups"]) => onChange({ ...script, groups: next });
  const updateGroup = (g: number, patch: Partial<Script["groups"][number]>) => setGroups(groups.map((x, i) => (i === g ? { ...x, ...patch } : x)));
  const setConditions = (g: number, conditions: Condition[]) => updateGroup(g, { conditions });

  const addGroup = () => {
    setGroups([...groups, { logic: "and", not: false, conditions: [] }]);
    setEditing({ group: groups.length, index: null });
  };

  const saveCondition = (condition: Condition) => {
    if (!editing) return;
    const list = [...(groups[editing.group]?.conditions ?? [])];
    if (editing.index === null) list.push(condition);
    else list[editing.index] = condition;
    setConditions(editing.group, list);
  };

  const closeDialog = (open: boolean) => {
    if (open || !editing) return;
    // A group opened by "Add condition group" and left empty goes away again.
    if (editing.index === null && groups[editing.group]?.conditions.length === 0) setGroups(groups.filter((_, i) => i !== editing.group));
    setEditing(null);
  };

  const move = (g: number, i: number, by: -1 | 1) => {
    const list = [...groups[g].conditions];
    [list[i], list[i + by]] = [list[i + by], list[i]];
    setConditions(g, list);
  };

  const noSource = databaseId === null;

  return (
    <section aria-labelledby="conditions-heading" className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <h2 id="conditions-heading" className="font-semibold">
            Condition settings
          </h2>
          <p className="text-sm text-muted-foreground">
            {groups.length ? "Profiles must match these groups." : "No conditions: every profile of the source within the range."}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <DropdownMenu>
            <DropdownMenuTrigger asChild>
              <Button disabled={noSource} title={noSource ? "Select a source first" : undefined}>
                <Plus aria-hidden />
                Condition
                <ChevronDown aria-hidden />
              </Button>
            </DropdownMenuTrigger>
            <DropdownMenuContent align="end">
              <DropdownMenuItem onSelect={addGroup}>Add condition group</DropdownMenuItem>
              <DropdownMenuItem onSelect={() => setImportOpen(true)}>Import conditions</DropdownMenuItem>
            </DropdownMenuContent>
          </DropdownMenu>
          <Button variant="outline" onClick={() => setScriptOpen(true)} disabled={noSource}>
            <Braces aria-hidden />
            Script
          </Button>
          <Button variant="outline" onClick={() => setConfirmClear(true)} disabled={!groups.length}>
            <Trash2 aria-hidden />
            Delete conditions
          </Button>
        </div>
      </div>

      {lastCleared ? (
        <div role="status" className="flex items-center justify-between rounded-md border bg-muted/50 px-3 py-2 text-sm">
          Conditions deleted.
          <div className="flex gap-2">
            <Button
              size="sm"
              variant="outline"
              onClick={() => {
                onChange(lastCleared);
                setLastCleared(null);
              }}
            >
              Undo
            </Button>
            <Button size="icon-sm" variant="ghost" aria-label="Dismiss" onClick={() => setLastCleared(null)}>
              <X />
            </Button>
          </div>
        </div>
      ) : null}

      {groups.length > 1 ? (
        <div className="flex items-center gap-2 text-sm">
          <Label htmlFor="groups-logic">Groups are joined by</Label>
          <NativeSelect id="groups-logic" className="w-auto" value={script.logic} onChange={(e) => onChange({ ...script, logic: e.target.value as "and" | "or" })}>
            <option value="and">AND: match every group</option>
            <option value="or">OR: match at least one group</option>
          </NativeSelect>
        </div>
      ) : null}

      <ol className="space-y-3">
        {groups.map((group, g) => (
          <li key={g}>
            {g > 0 ? (
              <div className="mb-3 flex justify-center">
                <span className="rounded-full border bg-background px-3 py-0.5 text-xs font-semibold uppercase">{script.logic}</span>
              </div>
            ) : null}
            <div role="group" aria-label={`Group ${g + 1}`} className="rounded-lg border bg-card p-4 shadow-xs">
              <div className="mb-3 flex flex-wrap items-center justify-between gap-3">
                <div className="flex flex-wrap items-center gap-4">
                  <span className="font-medium">Group {g + 1}</span>
                  <div className="flex items-center gap-2 text-sm">
                    <Label htmlFor={`group-${g}-logic`} className="sr-only">
                      Group {g + 1} logic
                    </Label>
                    <NativeSelect
                      id={`group-${g}-logic`}
                      className="w-auto"
                      value={group.logic}
                      onChange={(e) => updateGroup(g, { logic: e.target.value as "and" | "or" })}
                    >
                      <option value="and">Must comply with each of the conditions (AND)</option>
                      <option value="or">Must comply with one of the conditions (OR)</option>
                    </NativeSelect>
                  </div>
                  <div className="flex items-center gap-2 text-sm">
                    <Switch id={`group-${g}-not`} checked={group.not} onCheckedChange={(not) => updateGroup(g, { not })} />
                    <Label htmlFor={`group-${g}-not`}>Exclude profiles matching group {g + 1}</Label>
                  </div>
                </div>
                <Button size="sm" variant="ghost" onClick={() => setGroups(groups.filter((_, i) => i !== g))} aria-label={`Remove group ${g + 1}`}>
                  <Trash2 aria-hidden />
                  Remove group
                </Button>
              </div>
              <ul className="space-y-2">
                {group.conditions.map((c, i) => (
                  <li key={i} className="flex items-center justify-between gap-2 rounded-md border bg-muted/30 px-3 py-2 text-sm">
                    <span>
                      {i > 0 ? <span className="mr-2 text-xs font-semibold text-muted-foreground uppercase">{group.logic}</span> : null}
                      {describeCondition(c, options, databaseId)}
                    </span>
                    <span className="flex shrink-0 gap-1">
                      <Button size="icon-sm" variant="ghost" aria-label={`Edit condition ${i + 1} of group ${g + 1}`} onClick={() => setEditing({ group: g, index: i })}>
                        <Pencil />
                      </Button>
                      <Button size="icon-sm" variant="ghost" aria-label={`Move condition ${i + 1} of group ${g + 1} up`} disabled={i === 0} onClick={() => move(g, i, -1)}>
                        <ArrowUp />
                      </Button>
                      <Button
                        size="icon-sm"
                        variant="ghost"
                        aria-label={`Move condition ${i + 1} of group ${g + 1} down`}
                        disabled={i === group.conditions.length - 1}
                        onClick={() => move(g, i, 1)}
                      >
                        <ArrowDown />
                      </Button>
                      <Button
                        size="icon-sm"
                        variant="ghost"
                        aria-label={`Remove condition ${i + 1} of group ${g + 1}`}
                        onClick={() => setConditions(g, group.conditions.filter((_, n) => n !== i))}
                      >
                        <X />
                      </Button>
                    </span>
                  </li>
                ))}
              </ul>
              <Button size="sm" variant="outline" className="mt-3" onClick={() => setEditing({ group: g, index: null })}>
                <Plus aria-hidden />
                Add condition to group {g + 1}
              </Button>
            </div>
          </li>
        ))}
      </ol>

      <ConditionDialog
        open={editing !== null}
        onOpenChange={closeDialog}
        initial={editing && editing.index !== null ? groups[editing.group]?.conditions[editing.index] ?? null : null}
        databaseId={databaseId}
        segmentId={props.segmentId}
        options={options}
        onSave={saveCondition}
      />
      <ImportConditionsDialog
        open={importOpen}
        onOpenChange={setImportOpen}
        databaseId={databaseId}
        segmentId={props.segmentId}
        options={options}
        onImport={(imported) => onChange({ ...script, groups: [...groups, ...imported.groups] })}
      />
      <ScriptEditorDialog open={scriptOpen} onOpenChange={setScriptOpen} script={script} databaseId={databaseId} segmentId={props.segmentId} onApply={onChange} />
      <AlertDialog open={confirmClear} onOpenChange={setConfirmClear}>
        <AlertDialogContent>
          <AlertDialogHeader>
            <AlertDialogTitle>Delete all conditions?</AlertDialogTitle>
            <AlertDialogDescription>
              All {groups.length} group{groups.length === 1 ? "" : "s"} will be removed from the form. You can undo this until you save.
            </AlertDialogDescription>
          </AlertDialogHeader>
          <AlertDialogFooter>
            <AlertDialogCancel>Cancel</AlertDialogCancel>
            <Button
              variant="destructive"
              onClick={() => {
                setLastCleared(script);
                onChange(emptyScript());
                setConfirmClear(false);
              }}
            >
              Delete conditions
            </Button>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
    </section>
  );
}
