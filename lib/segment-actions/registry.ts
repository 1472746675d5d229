import "server-only";
/**
 * The registry of actions on a selection: one entry per action (`define.ts`: kind, policy key, zod
 * schema, plan, run, label), each in its own file. It drives the job definitions and the submission
 * (`jobs.ts`), the server actions (`actions.ts`) and the download of an export. Adding an action is
 * its file plus its line below (docs/architecture.md, "Add a selection action").
 */
import { addToScenarioEntry } from "./add-to-scenario";
import { bulkEditEntry } from "./bulk-edit";
import { copyToDatabaseEntry } from "./copy-to-database";
import { copyToStaticSegmentEntry } from "./copy-to-static-segment";
import type { SelectionAction } from "./define";
import { exportHistoryEntry } from "./export-history";
import { exportProfilesEntry } from "./export-profiles";

const entries = [copyToStaticSegmentEntry, copyToDatabaseEntry, bulkEditEntry, addToScenarioEntry, exportProfilesEntry, exportHistoryEntry] as const;

export type SelectionActionKind = (typeof entries)[number]["kind"];

/** Every action on a selection, by kind. */
export const selectionActions = Object.fromEntries(entries.map((entry) => [entry.kind, entry])) as {
  [K in SelectionActionKind]: Extract<(typeof entries)[number], { kind: K }>;
};

/** The entry of a stored kind, or null for a kind this version of the app does not know. */
export function selectionActionOf(kind: string): SelectionAction | null {
  return Object.hasOwn(selectionActions, kind) ? (selectionActions[kind as SelectionActionKind] as SelectionAction) : null;
}
