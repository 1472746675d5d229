import "server-only";
/**
 * An entry of the registry of actions on a selection (`registry.ts`): its kind (the jobs row's
 * `kind`), its policy key, its zod schema, `plan` (access and parameters, before anything is queued),
 * `run` (the work, in the background) and its label.
 *
 * `plan` and `run` take the parameters as the schema parsed them: a submission parses once, the job
 * stores that parsed value, and the runner reads it back through the same schema.
 */
import type { z } from "zod";
import type { Db } from "@/db/client";
import type { PolicyKey } from "@/lib/access/policy";
import type { ActingUser } from "@/lib/access/acting-user";
import { parseParams, type ActionOutcome, type ActionPlan, type ExportContext, type RunContext } from "./common";

type EntryBase<K extends string, S extends z.ZodType> = {
  kind: K;
  policyKey: PolicyKey;
  schema: S;
  /** What the action is called in menus, dialogs and job titles ("Copy profiles to static segment"). */
  label: string;
  /**
   * Where its parameters name a target the user must still see for the job to stay visible (SPEC §3),
   * by the kind of target: `{ staticSegment: ["target", "staticSegmentId"] }`. A scenario belongs to the
   * source database, which every job checks anyway.
   */
  targets?: { staticSegment?: readonly string[]; database?: readonly string[] };
  /** Checks access to source and target and the parameters; names the job and its target lock. */
  plan(db: Db, user: ActingUser, params: z.output<S>): Promise<ActionPlan>;
};

/** An action that changes data (copy, bulk edit, add to scenario). */
export type WritingEntry<K extends string, S extends z.ZodType, C extends RunContext = RunContext> = EntryBase<K, S> & {
  exportFile?: undefined;
  run(db: Db, user: ActingUser, params: z.output<S>, ctx: C): Promise<ActionOutcome>;
};

/** An action that writes a file to download (an export). */
export type ExportingEntry<K extends string, S extends z.ZodType> = EntryBase<K, S> & {
  exportFile: { extension(params: z.output<S>): "csv" | "ndjson" };
  run(db: Db, user: ActingUser, params: z.output<S>, ctx: ExportContext): Promise<ActionOutcome>;
};

export type SelectionAction<K extends string = string, S extends z.ZodType = z.ZodType> = WritingEntry<K, S> | ExportingEntry<K, S>;

/** Declares an action's registry entry (the identity, for its types). */
export function defineSelectionAction<K extends string, S extends z.ZodType, C extends RunContext>(entry: WritingEntry<K, S, C>): WritingEntry<K, S, C>;
export function defineSelectionAction<K extends string, S extends z.ZodType>(entry: ExportingEntry<K, S>): ExportingEntry<K, S>;
export function defineSelectionAction(entry: SelectionAction): SelectionAction {
  return entry;
}

/**
 * The action as a plain function for direct callers (tests, scripts, the bench): parses `input` with
 * the action's schema, then runs it now, without a job. An export needs its context (the file).
 */
export function runNow<S extends z.ZodType, C extends RunContext>(entry: { schema: S; run(db: Db, user: ActingUser, params: z.output<S>, ctx: C): Promise<ActionOutcome> }) {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- "every property of C is optional"
  return async (db: Db, user: ActingUser, input: unknown, ...ctx: {} extends C ? [ctx?: C] : [ctx: C]): Promise<ActionOutcome> =>
    entry.run(db, user, parseParams(entry.schema, input), ctx[0] ?? ({} as C));
}
