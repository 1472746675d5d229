"use client";

import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import type { Issue } from "@/lib/errors";
import { checkConditionsAction } from "@/lib/dynamic-segments/builder-actions";
import { scriptRelative } from "@/lib/dynamic-segments/segment-schema";
import { emptyScript, parseScriptText, type Script } from "@/lib/segments/script";

/**
 * The JSON editor of the conditions. What is applied goes back into the visual builder; invalid JSON
 * or an invalid script lists each problem (line and column, or path) and changes nothing.
 */
export function ScriptEditorDialog(props: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  script: Script;
  databaseId: number | null;
  segmentId?: number;
  onApply: (script: Script) => void;
  onCloseAutoFocus?: (event: Event) => void;
}) {
  return (
    <Dialog open={props.open} onOpenChange={props.onOpenChange}>
      <DialogContent className="sm:max-w-3xl" onCloseAutoFocus={props.onCloseAutoFocus}>{props.open ? <Editor {...props} /> : null}</DialogContent>
    </Dialog>
  );
}

function Editor({ script, databaseId, segmentId, onApply, onOpenChange }: Parameters<typeof ScriptEditorDialog>[0]) {
  const [text, setText] = useState(() => JSON.stringify(script, null, 2));
  const [issues, setIssues] = useState<Issue[]>([]);
  const [pending, startTransition] = useTransition();

  const apply = () => {
    const parsed = parseScriptText(text);
    if (!parsed.ok) return setIssues(parsed.issues);
    const value = parsed.value ?? emptyScript();
    if (databaseId === null) return setIssues([{ path: "", message: "Select a source first." }]);
    startTransition(async () => {
      const result = await checkConditionsAction({ databaseId, conditions: value, segmentId });
      if (!result.ok) return setIssues([{ path: "", message: result.message }]);
      // The server answers at the rule's paths; this editor holds the Script itself.
      if (result.data.issues.length) return setIssues(result.data.issues.map(scriptRelative));
      onApply(value);
      onOpenChange(false);
    });
  };

  return (
    <>
      <DialogHeader>
        <DialogTitle>Script</DialogTitle>
        <DialogDescription>The conditions as Script v1 JSON. Apply puts your edits back into the visual builder.</DialogDescription>
      </DialogHeader>
      <div className="grid gap-1.5">
        <Label htmlFor="script-json">Script JSON</Label>
        <Textarea
          id="script-json"
          value={text}
          onChange={(e) => setText(e.target.value)}
          spellCheck={false}
          rows={18}
          className="font-mono text-xs"
          aria-invalid={issues.length > 0}
          aria-describedby={issues.length ? "script-issues" : undefined}
        />
      </div>
      {issues.length ? (
        <ul id="script-issues" role="alert" className="max-h-40 space-y-1 overflow-y-auto rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive">
          {issues.map((i, n) => (
            <li key={n}>
              {i.path ? <code className="mr-1 text-xs">{i.path}</code> : null}
              {i.message}
            </li>
          ))}
        </ul>
      ) : null}
      <DialogFooter>
        <Button variant="outline" onClick={() => onOpenChange(false)}>
          Cancel
        </Button>
        <Button onClick={apply} disabled={pending}>
          {pending ? "Checking…" : "Apply script"}
        </Button>
      </DialogFooter>
    </>
  );
}
