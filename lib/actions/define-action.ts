import "server-only";
import type { z } from "zod";
import { getDb, type Db } from "@/db/client";
import { knownDatabaseError } from "@/db/errors";
import { authorize, type PolicyKey, type PublicPolicyKey } from "@/lib/access/policy";
import { parseInput } from "@/lib/api/parse";
import type { ActingUser } from "@/lib/access/acting-user";
import { currentUser } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import { fieldErrorsOf, type ActionFailure, type ActionResult, type FormResult } from "./result";

export type { ActionFailure, ActionResult, FormResult } from "./result";

/** What a handler gets besides its parsed input: the database and the acting user (SPEC §3: every query takes it). */
export type ActionContext = { db: Db; user: ActingUser };

/** The permission-table entries an action enforces, attached to it (the coverage test reads them). */
export type PolicyKeys = { readonly policyKeys: readonly PolicyKey[] };

/** A server action with its entries in the permission table attached. */
export type Action<I, T> = ((input: I) => Promise<ActionResult<T>>) & PolicyKeys;

/** A `useActionState` form action: the last state and the posted form, answering the next state. */
export type FormAction<T, V> = ((previous: FormResult<T, V>, form: FormData) => Promise<ActionResult<T, V>>) & PolicyKeys;

/** One entry, or several when one action stands for more (a save creates or updates): the role must be allowed each. */
type KeyOrKeys = PolicyKey | readonly [PolicyKey, ...PolicyKey[]];
const keysOf = (key: KeyOrKeys): readonly PolicyKey[] => (typeof key === "string" ? [key] : key);

/** The signed-in user if the table lets their role run every one of `keys`; otherwise `unauthorized` or `forbidden`. */
async function authorizeAll(keys: readonly PolicyKey[]): Promise<ActingUser> {
  const user = await currentUser();
  for (const key of keys) authorize(user, key);
  return authorize(user, keys[0]);
}

type Definition<S extends z.ZodType, T> = {
  /** The permission table's entry (lib/access/policy.ts) whose role check runs before any input is read. */
  key: KeyOrKeys;
  /** Parses the input once; the handler and the client's call are typed from it. */
  input: S;
  handler: (input: z.output<S>, ctx: ActionContext) => Promise<T>;
  /** The headline when `input` refuses the input (each problem is at its path); "Some values are not valid." by default. */
  invalidMessage?: string;
  /** A success message in words, for actions whose caller shows one. */
  message?: (data: T, input: z.output<S>) => string;
};

type FormDefinition<S extends z.ZodType, T, V> = Definition<S, T> & {
  /** The posted form as the input `input` parses (text as typed). */
  read: (form: FormData) => unknown;
  /**
   * What a failure sends back for the form to show again, so a form without JavaScript keeps every
   * field (never passwords). Without it, a failure echoes nothing.
   */
  keep?: (form: FormData) => V;
  /**
   * A form that edits itself without JavaScript ("Add field", "Remove"): when this returns values, the
   * action answers them as they are — no message, nothing saved — for the form to render again.
   */
  edit?: (form: FormData) => V | null;
};

/**
 * One action: session → the permission table's role check for `key` → parse `input` → `handler` (which
 * calls the data layer with the acting user; object visibility is checked there, as 404) → one
 * ActionResult. Known errors keep their code, message and issues; anything else is logged and answered
 * plainly. `redirect()` and `notFound()` inside the handler pass through.
 */
export function defineAction<S extends z.ZodType, T>(def: Definition<S, T>): Action<z.input<S>, T> {
  const keys = keysOf(def.key);
  const action = async (input: z.input<S>): Promise<ActionResult<T>> => run(def, () => authorizeAll(keys), input);
  return Object.assign(action, { policyKeys: keys });
}

/** A form action (`useActionState`, works without JavaScript): `read` the posted form, then as `defineAction`; a failure carries what `keep` returns. */
export function defineFormAction<S extends z.ZodType, T, V = never>(def: FormDefinition<S, T, V>): FormAction<T, V> {
  const keys = keysOf(def.key);
  const action = async (_previous: FormResult<T, V>, form: FormData): Promise<ActionResult<T, V>> => {
    const edited = def.edit?.(form);
    if (edited) return { ok: false, code: "validation_failed", message: "", values: edited };
    const result = await run(def, () => authorizeAll(keys), def.read(form));
    return result.ok || !def.keep ? result : { ...result, values: def.keep(form) };
  };
  return Object.assign(action, { policyKeys: keys });
}

type PublicDefinition<S extends z.ZodType, T> = Omit<Definition<S, T>, "key" | "handler"> & {
  /** Only an entry the table marks `public` (sign-in, sign-out). */
  key: PublicPolicyKey;
  handler: (input: z.output<S>, ctx: { db: Db }) => Promise<T>;
};

const noSession = async () => null;
const withoutUser =
  <S extends z.ZodType, T>(def: PublicDefinition<S, T>) =>
  (input: z.output<S>, ctx: { db: Db }) =>
    def.handler(input, { db: ctx.db });

/**
 * A form action without a session: sign-in (there is none yet) and sign-out (which must clear the
 * cookie of an ended session too). Only keys whose table entry is `public` are accepted; the handler
 * gets no user. `read` and `keep` as in `defineFormAction`.
 */
export function definePublicFormAction<S extends z.ZodType, T, V = never>(
  def: PublicDefinition<S, T> & Pick<FormDefinition<S, T, V>, "read" | "keep">,
): FormAction<T, V> {
  const action = async (_previous: FormResult<T, V>, form: FormData): Promise<ActionResult<T, V>> => {
    const result = await run({ ...def, handler: withoutUser(def) }, noSession, def.read(form));
    return result.ok || !def.keep ? result : { ...result, values: def.keep(form) };
  };
  return Object.assign(action, { policyKeys: [def.key] as const });
}

async function run<S extends z.ZodType, T, U extends ActingUser | null>(
  def: Omit<Definition<S, T>, "key" | "handler"> & { handler: (input: z.output<S>, ctx: { db: Db; user: U }) => Promise<T> },
  who: () => Promise<U>,
  raw: unknown,
): Promise<ActionResult<T>> {
  try {
    const user = await who();
    const input = parseInput(def.input, raw, def.invalidMessage);
    const data = await def.handler(input, { db: await getDb(), user });
    return def.message ? { ok: true, data, message: def.message(data, input) } : { ok: true, data };
  } catch (error) {
    return failure(error);
  }
}

/** An error as an action result: known errors keep their code, message and issues; anything else is "internal". */
export function failure(error: unknown): ActionFailure {
  error = knownDatabaseError(error) ?? error;
  if (isAppError(error)) {
    const issues = error.issues.length ? error.issues : undefined;
    return { ok: false, code: error.code, message: error.message, issues, fieldErrors: issues && fieldErrorsOf(issues) };
  }
  if (isNextControlFlow(error)) throw error;
  console.error(error);
  return { ok: false, code: "internal", message: "Something went wrong on our side. Try again; if it keeps failing, tell your admin." };
}

/** redirect() and notFound() work by throwing; they must pass through untouched. */
function isNextControlFlow(error: unknown): boolean {
  const digest = (error as { digest?: unknown })?.digest;
  return typeof digest === "string" && (digest.startsWith("NEXT_REDIRECT") || digest.startsWith("NEXT_HTTP_ERROR_FALLBACK"));
}
