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

/** A server action with its entry in the permission table attached (the coverage test reads it). */
export type Action<I, T> = ((input: I) => Promise<ActionResult<T>>) & { readonly policyKey: PolicyKey };

/** A `useActionState` form action: the last state and the posted form, answering the next state. */
export type FormAction<T, V> = ((previous: FormResult<T, V>, form: FormData) => Promise<ActionResult<T, V>>) & { readonly policyKey: PolicyKey };

type Definition<S extends z.ZodType, T> = {
  /** The permission table's entry (lib/access/policy.ts) whose role check runs before any input is read. */
  key: PolicyKey;
  /** Parses the input once; the handler and the client's call are typed from it. */
  input: S;
  handler: (input: z.output<S>, ctx: ActionContext) => Promise<T>;
  /** A success message in words, for actions whose caller shows one. */
  message?: (data: T, input: z.output<S>) => string;
};

type FormDefinition<S extends z.ZodType, T, V> = Definition<S, T> & {
  /** The posted values, as typed (text); echoed back on failure so a form without JavaScript keeps them. */
  read: (form: FormData) => V;
};

/**
 * One action: session → the permission table's role check for `key` → parse `input` → `handler` (which
 * calls the data layer with the acting user; object visibility is checked there, as 404) → one
 * ActionResult. Known errors keep their code, message and issues; anything else is logged and answered
 * plainly. `redirect()` and `notFound()` inside the handler pass through.
 */
export function defineAction<S extends z.ZodType, T>(def: Definition<S, T>): Action<z.input<S>, T> {
  const action = async (input: z.input<S>): Promise<ActionResult<T>> => run(def, async () => authorize(await currentUser(), def.key), input);
  return Object.assign(action, { policyKey: def.key });
}

/** A form action (`useActionState`, works without JavaScript): `read` the posted form, then as `defineAction`. */
export function defineFormAction<S extends z.ZodType, T, V>(def: FormDefinition<S, T, V>): FormAction<T, V> {
  const action = async (_previous: FormResult<T, V>, form: FormData): Promise<ActionResult<T, V>> => {
    const values = def.read(form);
    const result = await run(def, async () => authorize(await currentUser(), def.key), values);
    return result.ok ? result : { ...result, values };
  };
  return Object.assign(action, { policyKey: def.key });
}

/**
 * Sign-in, the one action without a session (its table entry is `public`): the handler gets no user.
 * Only a public entry's key is accepted here.
 */
export function definePublicFormAction<S extends z.ZodType, T, V>(
  def: Omit<FormDefinition<S, T, V>, "key" | "handler"> & { key: PublicPolicyKey; handler: (input: z.output<S>, ctx: { db: Db }) => Promise<T> },
): FormAction<T, V> {
  const action = async (_previous: FormResult<T, V>, form: FormData): Promise<ActionResult<T, V>> => {
    const values = def.read(form);
    const result = await run({ ...def, handler: (input, ctx) => def.handler(input, { db: ctx.db }) }, async () => null, values);
    return result.ok ? result : { ...result, values };
  };
  return Object.assign(action, { policyKey: def.key as PolicyKey });
}

async function run<S extends z.ZodType, T, U extends ActingUser | null>(
  def: Omit<Definition<S, T>, "key" | "handler"> & { handler: (input: z.output<S>, ctx: { db: Db; user: U }) => Promise<T> },
  who: () => Promise<U>,
  raw: unknown,
): Promise<ActionResult<T>> {
  try {
    const user = await who();
    const input = parseInput(def.input, raw);
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
