"use client";

import { useRef, useState } from "react";
import { ArrowDown, ArrowUp, Braces, ChevronDown, Pencil, Plus, Trash2, X } from "lucide-react";
import { ConfirmDialog } from "@/components/forms/confirm-dialog";
import { Button } from "@/components/ui/button";
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuTrigger } from "@/components/ui/dropdown-menu";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/native-select";
import { Switch } from "@/components/ui/switch";
import type { Issue } from "@/lib/errors";
import { emptyScript, type Condition, type Script } from "@/lib/segments/script";
import { describeConditionPath } from "@/lib/dynamic-segments/segment-schema";
import { ConditionDialog } from "./condition-dialog";
import { describeCondition } from "@/lib/segments/describe";
import { ImportConditionsDialog } from "./import-conditions-dialog";
import type { BuilderOptions } from "@/lib/dynamic-segments/builder-types";
import { ScriptEditorDialog } from "./script-editor-dialog";

type Editing = { group: number; index: number | null } | null;

/** The visual condition builder: groups of conditions joined by AND/OR, each group optionally negated. */
export function ConditionBuilder(props: {
  script: Script;
  /** A state setter: updates are functions of the latest script, so quick successive edits never race. */
  onChange: (update: Script | ((current: Script) => Script)) => void;
  databaseId: number | null;
  segmentId?: number;
  options: BuilderOptions;
  /** Problems with the conditions (Script-relative paths), shown next to the condition they concern. */
  issues?: Issue[];
}) {
  const { script, onChange, databaseId, options } = props;
  const issues = props.issues ?? [];
  const [editing, setEditing] = useState<Editing>(null);
  // The control that opened a dialog gets the focus back when it closes (Escape, Cancel or Save).
  const opener = useRef<HTMLElement | null>(null);
  const conditionMenuButton = useRef<HTMLButtonElement>(null);
  const scriptButton = useRef<HTMLButtonElement>(null);
  const openFrom = (element: HTMLElement | null, next: Editing) => {
    opener.current = element;
    setEditing(next);
  };
  const returnFocus = (event: Event) => {
    event.preventDefault();
    (opener.current?.isConnected ? opener.current : conditionMenuButton.current)?.focus();
  };
  const issuesAt = (g: number, i: number) => issues.filter((x) => x.path === `groups[${g}].conditions[${i}]` || x.path.startsWith(`groups[${g}].conditions[${i}].`));
  const otherIssues = issues.filter((x) => !/^groups\[\d+\]\.conditions\[\d+\]/.test(x.path));
  const [confirmClear, setConfirmClear] = useState(false);
  const [importOpen, setImportOpen] = useState(false);
  const [scriptOpen, setScriptOpen] = useState(false);
  const [lastCleared, setLastCleared] = useState<Script | null>(null);

  const groups = script.groups;
  const setGroups = (update: (groups: Script["groups"]) => Script["groups"]) => onChange((s) => ({ ...s, groups: update(s.groups) }));
  const updateGroup = (g: number, patch: Partial<Script["groups"][number]>) =>
    setGroups((all) => all.map((x, i) => (i === g ? { ...x, ...patch } : x)));
  const updateConditions = (g: number, update: (conditions: Condition[]) => Condition[]) =>
    setGroups((all) => all.map((x, i) => (i === g ? { ...x, conditions: update(x.conditions) } : x)));

  const addGroup = () => {
    openFrom(conditionMenuButton.current, { group: groups.length, index: null });
    setGroups((all) => [...all, { logic: "and", not: false, conditions: [] }]);
  };

  const saveCondition = (condition: Condition) => {
    if (!editing) return;
    const { group, index } = editing;
    updateConditions(group, (list) => (index === null ? [...list, condition] : list.map((c, i) => (i === index ? condition : c))));
    setEditing(null);
  };

  const closeDialog = (open: boolean) => {
    if (open || !editing) return;
    const { group, index } = editing;
    // A group opened by "Add condition group" and left without a condition goes away again.
    if (index === null) setGroups((all) => (all[group]?.conditions.length === 0 ? all.filter((_, i) => i !== group) : all));
    setEditing(null);
  };

  const move = (g: number, i: number, by: -1 | 1) =>
    updateConditions(g, (list) => {
      const next = [...list];
      [next[i], next[i + by]] = [next[i + by], next[i]];
      return next;
    });

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
              <Button ref={conditionMenuButton} disabled={noSource} title={noSource ? "Select a source first" : undefined}>
                <Plus aria-hidden />
                Condition
                <ChevronDown aria-hidden />
              </Button>
            </DropdownMenuTrigger>
            <DropdownMenuContent align="end">
              <DropdownMenuItem onSelect={addGroup}>Add condition group</DropdownMenuItem>
              <DropdownMenuItem
                onSelect={() => {
                  opener.current = conditionMenuButton.current;
                  setImportOpen(true);
                }}
              >
                Import conditions
              </DropdownMenuItem>
            </DropdownMenuContent>
          </DropdownMenu>
          <Button ref={scriptButton} variant="outline" onClick={() => setScriptOpen(true)} disabled={noSource}>
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

      {otherIssues.length ? (
        <ul className="space-y-1 text-sm text-destructive">
          {otherIssues.map((i, n) => (
            <li key={n}>{[describeConditionPath(i.path), i.message].filter(Boolean).join(": ")}</li>
          ))}
        </ul>
      ) : null}

      {groups.length > 1 ? (
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <Label htmlFor="groups-logic">Groups are joined by</Label>
          <NativeSelect id="groups-logic" className="w-auto" value={script.logic} onChange={(e) => {
              const logic = e.target.value as "and" | "or";
              onChange((s) => ({ ...s, logic }));
            }}>
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
              <div className="mb-3 flex items-start justify-between gap-3">
                <div className="flex min-w-0 flex-1 flex-wrap items-center gap-x-4 gap-y-2">
                  <span className="font-medium">Group {g + 1}</span>
                  <div className="flex min-w-0 max-w-full items-center gap-2 text-sm">
                    <Label htmlFor={`group-${g}-logic`} className="sr-only">
                      Group {g + 1} logic
                    </Label>
                    <NativeSelect
                      id={`group-${g}-logic`}
                      className="w-auto max-w-full"
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
                <Button size="icon-sm" variant="ghost" onClick={() => setGroups((all) => all.filter((_, i) => i !== g))} aria-label={`Remove group ${g + 1}`} title="Remove group">
                  <Trash2 aria-hidden />
                </Button>
              </div>
              <ul className="space-y-2">
                {group.conditions.map((c, i) => {
                  const problems = issuesAt(g, i);
                  return (
                  <li
                    key={i}
                    className={`flex flex-wrap items-center justify-between gap-2 rounded-md border px-3 py-2 text-sm ${problems.length ? "border-destructive/50 bg-destructive/5" : "bg-muted/30"}`}
                  >
                    <span className="min-w-0 break-words">
                      {i > 0 ? <span className="mr-2 text-xs font-semibold text-muted-foreground uppercase">{group.logic}</span> : null}
                      {describeCondition(c, options, databaseId)}
                      {problems.map((p, n) => (
                        <span key={n} className="mt-1 block text-destructive">
                          {p.message}
                        </span>
                      ))}
                    </span>
                    <span className="flex shrink-0 gap-1">
                      <Button size="icon-sm" variant="ghost" aria-label={`Edit condition ${i + 1} of group ${g + 1}`} onClick={(e) => openFrom(e.currentTarget, { group: g, index: i })}>
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
                        onClick={() => updateConditions(g, (list) => list.filter((_, n) => n !== i))}
                      >
                        <X />
                      </Button>
                    </span>
                  </li>
                  );
                })}
              </ul>
              <Button size="sm" variant="outline" className="mt-3" onClick={(e) => openFrom(e.currentTarget, { group: g, index: null })}>
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
        onCloseAutoFocus={returnFocus}
      />
      <ImportConditionsDialog
        open={importOpen}
        onOpenChange={setImportOpen}
        databaseId={databaseId}
        segmentId={props.segmentId}
        options={options}
        onImport={(imported) => setGroups((all) => [...all, ...imported.groups])}
        onCloseAutoFocus={returnFocus}
      />
      <ScriptEditorDialog
        open={scriptOpen}
        onOpenChange={setScriptOpen}
        script={script}
        databaseId={databaseId}
        segmentId={props.segmentId}
        onApply={onChange}
        onCloseAutoFocus={(e) => {
          e.preventDefault();
          scriptButton.current?.focus();
        }}
      />
      <ConfirmDialog
        open={confirmClear}
        onOpenChange={setConfirmClear}
        title="Delete all conditions?"
        description={<>All {groups.length} group{groups.length === 1 ? "" : "s"} will be removed from the form. You can undo this until you save.</>}
        confirm={
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
        }
      />
    </section>
  );
}
