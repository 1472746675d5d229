"use client";

import { KeyRound } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { changeOwnPasswordAction } from "@/lib/auth/session-actions";
import { MIN_PASSWORD_LENGTH } from "@/lib/users/schema";
import { describedBy, FormMessage, LabeledField, useResettingForm } from "@/components/forms/form-bits";

/** "Change password": the current one, then the new one; other sessions end. Works without JavaScript. */
export function ChangePasswordForm() {
  const { state, formAction, pending, formRef, errors } = useResettingForm(changeOwnPasswordAction);
  return (
    <form ref={formRef} action={formAction} className="space-y-3">
      <div className="grid max-w-2xl gap-3 sm:grid-cols-2">
        <LabeledField id="current-password" label="Current password" error={errors.currentPassword}>
          <Input id="current-password" name="currentPassword" type="password" required autoComplete="current-password" {...describedBy("current-password", errors.currentPassword)} />
        </LabeledField>
        <LabeledField id="new-password" label="New password" error={errors.newPassword}>
          <Input id="new-password" name="newPassword" type="password" required minLength={MIN_PASSWORD_LENGTH} autoComplete="new-password" {...describedBy("new-password", errors.newPassword)} />
        </LabeledField>
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
