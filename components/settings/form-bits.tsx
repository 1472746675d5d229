import type { FormState } from "@/lib/actions/safe-action";

/** A field's error under it, tied to the control with `aria-describedby`. */
export function FieldError({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <p id={id} className="text-sm text-destructive">
      {message}
    </p>
  );
}

/** The form's overall answer: a polite status on success, an alert on failure. */
export function FormMessage({ state }: { state: FormState }) {
  if (!state?.message) return null;
  return state.ok ? (
    <p role="status" className="text-sm text-success">
      {state.message}
    </p>
  ) : (
    <p role="alert" className="text-sm text-destructive">
      {state.message}
    </p>
  );
}
