import "server-only";
/**
 * The registry of actions on a selection: one entry per action (`define.ts`: kind, its entry of the
 * permission table, zod schema, plan, run, label, targets), each in its own file and listed by
 * `definitions.ts`. It drives the permission table's rows for these actions (lib/access/policy.ts), the
 * job definitions and the submission (`jobs.ts`), the server action (`actions.ts`), the download of an
 * export and which jobs stay visible (`lib/jobs/queries.ts`). Adding an action is its file plus its
 * line in `definitions.ts`, and its dialog (docs/architecture.md, "Add a selection action").
 */
import type { z } from "zod";
import type { PolicyEntry } from "@/lib/access/policy-entry";
import type { SelectionAction } from "./define";
import * as definitions from "./definitions";

type Entry = (typeof definitions)[keyof typeof definitions];

/** Every entry, in no particular order. */
export const selectionActionList: readonly Entry[] = Object.values(definitions);

export type SelectionActionKind = Entry["kind"];

/** Every action on a selection, by kind. */
export const selectionActions = Object.fromEntries(selectionActionList.map((entry) => [entry.kind, entry])) as {
  [K in SelectionActionKind]: Extract<Entry, { kind: K }>;
};

/** The entries' rows of the permission table, by their policy key (lib/access/policy.ts merges them in). */
export const selectionActionPolicy = Object.fromEntries(selectionActionList.map(({ policy: { key, ...entry } }) => [key, entry])) as {
  [E in Entry as E["policy"]["key"]]: Omit<E["policy"], "key"> & PolicyEntry;
};

/** What the dialog of an action sends: the parameters its schema takes. */
export type SelectionActionParams<K extends SelectionActionKind> = z.input<(typeof selectionActions)[K]["schema"]>;

/** The entry of a stored kind, or null for a kind this version of the app does not know. */
export function selectionActionOf(kind: string): SelectionAction | null {
  return Object.hasOwn(selectionActions, kind) ? (selectionActions[kind as SelectionActionKind] as SelectionAction) : null;
}

/** The parameter paths of the targets jobs name, by the kind of target, as the entries declare them. */
export const jobTargetParams = {
  staticSegment: distinctPaths((entry) => entry.targets?.staticSegment),
  database: distinctPaths((entry) => entry.targets?.database),
};

function distinctPaths(pick: (entry: SelectionAction) => readonly string[] | undefined): (readonly string[])[] {
  const paths = new Map<string, readonly string[]>();
  for (const entry of selectionActionList as readonly SelectionAction[]) {
    const path = pick(entry);
    if (path) paths.set(path.join("."), path);
  }
  return [...paths.values()];
}
