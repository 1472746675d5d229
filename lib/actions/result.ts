/**
 * What every server action answers, and what every form built on `useActionState` holds: one shape.
 * Client-safe (types only), so components import it without pulling in the server.
 */
import type { ErrorCode, Issue } from "@/lib/errors";

/** A refused or failed action: a code, a message in words, and the problems by the input they concern. */
export type ActionFailure<V = never> = {
  ok: false;
  code: ErrorCode | "internal";
  message: string;
  /** Every problem with its path (`name`, `fields[2].key`, `groups[0].conditions[1].value`). */
  issues?: Issue[];
  /** The first problem of each path, for forms that show one message per input (`_form` for a pathless one). */
  fieldErrors?: Record<string, string>;
  /** What a form posted, exactly as typed: a failed post without JavaScript renders it again. */
  values?: V;
};

/** `data` on success (with a message when the action words its own), or a failure. */
export type ActionResult<T = void, V = never> = { ok: true; data: T; message?: string } | ActionFailure<V>;

/** A form's state under `useActionState`: nothing yet, or the last answer. */
export type FormResult<T = void, V = never> = ActionResult<T, V> | null;

/** The first problem of each path, keyed by path (`_form` for a pathless one). */
export function fieldErrorsOf(issues: readonly Issue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) out[issue.path || "_form"] ??= issue.message;
  return out;
}
