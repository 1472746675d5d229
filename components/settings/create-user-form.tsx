"use client";

import { UserPlus } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { createUserAction } from "@/lib/users/actions";
import { MIN_PASSWORD_LENGTH, ROLE_LABELS, USER_ROLES } from "@/lib/users/schema";
import { describedBy, FormMessage, LabeledField, useResettingForm } from "@/components/forms/form-bits";

/** "Create user": name, email, role and a first password the admin hands over. Works without JavaScript. */
export function CreateUserForm() {
  const { state, formAction, pending, formRef, errors } = useResettingForm(createUserAction);
  const field = (name: string, label: string, input: React.ReactNode) => (
    <LabeledField id={`new-user-${name}`} label={label} error={errors[name]}>
      {input}
    </LabeledField>
  );
  const describe = (name: string) => describedBy(`new-user-${name}`, errors[name]);

  return (
    <form ref={formRef} action={formAction} className="space-y-3">
      <div className="grid gap-3 md:grid-cols-4">
        {field("name", "Name", <Input id="new-user-name" name="name" required maxLength={200} autoComplete="off" {...describe("name")} />)}
        {field("email", "Email", <Input id="new-user-email" name="email" type="email" required autoComplete="off" {...describe("email")} />)}
        {field(
          "role",
          "Role",
          <NativeSelect id="new-user-role" name="role" defaultValue="marketer" {...describe("role")}>
            {USER_ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </NativeSelect>,
        )}
        {field(
          "password",
          "First password",
          <Input id="new-user-password" name="password" type="password" required minLength={MIN_PASSWORD_LENGTH} autoComplete="new-password" {...describe("password")} />,
        )}
      </div>
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={pending}>
          <UserPlus aria-hidden />
          Create user
        </Button>
        <FormMessage state={state} />
      </div>
    </form>
  );
}
