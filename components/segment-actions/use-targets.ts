"use client";

import { useEffect, useState } from "react";
import type { RuleInput } from "@/lib/dynamic-segments/builder-actions";
import { actionTargetsAction } from "@/lib/segment-actions/actions";
import type { ActionTargets } from "@/lib/segment-actions/targets";

/** Where an action's profiles come from: a saved segment (its update log records the action) or the form's unsaved rule. */
export type ActionSourceInput = { segmentId: number } | { rule: RuleInput };

/** What a dialog acts on, and how to name it to the user. */
export type DialogSource = { source: ActionSourceInput; label: string };

function targetsKey(source: ActionSourceInput) {
  return "segmentId" in source ? { segmentId: source.segmentId } : { databaseId: source.rule.databaseId };
}

/** The dialog's options (fields, target databases, static segments, scenarios), loaded when it opens. */
export function useActionTargets(open: boolean, source: ActionSourceInput) {
  const [state, setState] = useState<{ targets: ActionTargets | null; error: string | null }>({ targets: null, error: null });
  const key = JSON.stringify(targetsKey(source));
  useEffect(() => {
    if (!open) return;
    let stale = false;
    actionTargetsAction(JSON.parse(key)).then(
      (result) => {
        if (stale) return;
        setState(result.ok ? { targets: result.data, error: null } : { targets: null, error: result.message });
      },
      () => !stale && setState({ targets: null, error: "The options could not be loaded. Try again." }),
    );
    return () => {
      stale = true;
    };
  }, [open, key]);
  return state;
}
