"use client";

import { useActionState, useEffect, useRef } from "react";
import { KeyRound } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { changeOwnPasswordAction } from "@/lib/auth/session-actions";
import { MIN_PASSWORD_LENGTH } from "@/lib/users/schema";
import { FieldError, FormMessage } from "./form-bits";

/** "Change password": the current one, then the new one; other sessions end. Works without JavaScript. */
export function ChangePasswordForm() {
  const [state, formAction, pending] = useActionState(changeOwnPasswordAction, null);
  const formRef = useRef<HTMLFormElement>(null);
  const errors = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  useEffect(() => {
    if (state?.ok) formRef.current?.reset();
  }, [state]);
  return (
    <form ref={formRef} action={formAction} className="space-y-3">
      <div className="grid max-w-2xl gap-3 sm:grid-cols-2">
        <div className="grid gap-1.5">
          <Label htmlFor="current-password">Current password</Label>
          <Input id="current-password" name="currentPassword" type="password" required autoComplete="current-password" aria-invalid={Boolean(errors.currentPassword)} aria-describedby="current-password-error" />
          <FieldError id="current-password-error" message={errors.currentPassword} />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="new-password">New password</Label>
          <Input id="new-password" name="newPassword" type="password" required minLength={MIN_PASSWORD_LENGTH} autoComplete="new-password" aria-invalid={Boolean(errors.newPassword)} aria-describedby="new-password-error" />
          <FieldError id="new-password-error" message={errors.newPassword} />
        </div>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={pending}>
          <KeyRound aria-hidden />
          Change password
        </Button>
        {state && !state.ok && (errors.currentPassword || errors.newPassword) ? null : <FormMessage state={state} />}
      </div>
    </form>
  );
}
