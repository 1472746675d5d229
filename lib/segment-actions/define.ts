import "server-only";
/**
 * An entry of the registry of actions on a selection (`registry.ts`): its kind (the jobs row's
 * `kind`), its entry of the permission table, its zod schema, `plan` (access and parameters, before
 * anything is queued), `run` (the work, in the background) and its label — everything about the
 * action, in the action's own file.
 *
 * `plan` and `run` take the parameters as the schema parsed them (a submission parses once, the job
 * stores that parsed value, and the runner reads it back through the same schema) and the selection
 * they act on, resolved here with access to it checked (`resolveSource`).
 */
import type { z } from "zod";
import type { UserRole } from "@/db/schema";
import type { Db } from "@/db/client";
import type { ObjectCheck } from "@/lib/access/policy-entry";
import type { ActingUser } from "@/lib/access/acting-user";
import { parseParams, resolveSource, type ActionOutcome, type ActionPlan, type ExportContext, type ResolvedSource, type RunContext } from "./common";
import type { ActionSource } from "./schema";

/** What every action's parameters hold: the selection it acts on. */
type Params = { source: ActionSource };

type EntryBase<K extends string, P extends string, S extends z.ZodType<Params>> = {
  kind: K;
  /**
   * The action's entry of the permission table (lib/access/policy.ts merges it in): a key of its own,
   * the roles that may run it, what the data layer checks beyond the role, and a summary.
   */
  policy: { key: P; roles: readonly UserRole[]; checks: readonly ObjectCheck[]; summary: string };
  schema: S;
  /** What the action is called in menus, dialogs and job titles ("Copy profiles to static segment"). */
  label: string;
  /**
   * Where its parameters name a target the user must still see for the job to stay visible (SPEC §3),
   * by the kind of target: `{ staticSegment: ["target", "staticSegmentId"] }`. A scenario belongs to the
   * source database, which every job checks anyway.
   */
  targets?: { staticSegment?: readonly string[]; database?: readonly string[] };
  /** Checks access to the target and the parameters; names the job and its target lock. */
  plan(db: Db, user: ActingUser, params: z.output<S>, source: ResolvedSource): Promise<{ title: string; lockKey: string | null }>;
};

/** An action that changes data (copy, bulk edit, add to scenario). */
export type WritingEntry<K extends string, P extends string, S extends z.ZodType<Params>, C extends RunContext = RunContext> = EntryBase<K, P, S> & {
  exportFile?: undefined;
  run(db: Db, user: ActingUser, params: z.output<S>, source: ResolvedSource, ctx: C): Promise<ActionOutcome>;
};

/** An action that writes a file to download (an export). */
export type ExportingEntry<K extends string, P extends string, S extends z.ZodType<Params>> = EntryBase<K, P, S> & {
  exportFile: { extension(params: z.output<S>): "csv" | "ndjson" };
  run(db: Db, user: ActingUser, params: z.output<S>, source: ResolvedSource, ctx: ExportContext): Promise<ActionOutcome>;
};

export type SelectionAction<K extends string = string, P extends string = string, S extends z.ZodType<Params> = z.ZodType<Params>> =
  | WritingEntry<K, P, S>
  | ExportingEntry<K, P, S>;

/** Declares an action's registry entry (the identity, for its types). */
export function defineSelectionAction<K extends string, P extends string, S extends z.ZodType<Params>, C extends RunContext>(
  entry: WritingEntry<K, P, S, C>,
): WritingEntry<K, P, S, C>;
export function defineSelectionAction<K extends string, P extends string, S extends z.ZodType<Params>>(entry: ExportingEntry<K, P, S>): ExportingEntry<K, P, S>;
export function defineSelectionAction(entry: SelectionAction): SelectionAction {
  return entry;
}

/** Plans an action before it is queued: its source resolved (access checked), then the entry's own checks. */
export async function planAction(db: Db, user: ActingUser, entry: SelectionAction, params: Params): Promise<ActionPlan> {
  const source = await resolveSource(db, user, params.source);
  const plan = await entry.plan(db, user, params, source);
  return { ...plan, databaseId: source.databaseId, sourceSegmentId: source.segment?.id ?? null };
}

/** Runs an action: its source resolved as `ctx` asks (the recorded version, the clock), then the work. */
export async function runAction<T extends Params, C extends RunContext>(
  db: Db,
  user: ActingUser,
  entry: { run(db: Db, user: ActingUser, params: T, source: ResolvedSource, ctx: C): Promise<ActionOutcome> },
  params: T,
  ctx: C,
): Promise<ActionOutcome> {
  return entry.run(db, user, params, await resolveSource(db, user, params.source, ctx), ctx);
}

/**
 * The action as a plain function for direct callers (tests, scripts, the bench): parses `input` with
 * the action's schema, then runs it now, without a job. An export needs its context (the file).
 */
export function runNow<S extends z.ZodType<Params>, C extends RunContext>(entry: {
  schema: S;
  run(db: Db, user: ActingUser, params: z.output<S>, source: ResolvedSource, ctx: C): Promise<ActionOutcome>;
}) {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- "every property of C is optional"
  return async (db: Db, user: ActingUser, input: unknown, ...ctx: {} extends C ? [ctx?: C] : [ctx: C]): Promise<ActionOutcome> =>
    runAction(db, user, entry, parseParams(entry.schema, input), ctx[0] ?? ({} as C));
}
