"use client";

import { startTransition, useActionState, useRef, useSyncExternalStore } from "react";
import { useFieldArray, useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { Plus, Trash2 } from "lucide-react";
import { Alert, AlertTitle } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input, fieldClasses } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { createDatabaseAction } from "@/lib/databases/actions";
import {
  createDatabaseFormSchema,
  emptyFieldRow,
  FIELD_TYPE_LABELS,
  FIELD_TYPES,
  MAX_FIELDS,
  type CreateDatabaseFormOutput,
  type FieldRow,
} from "@/lib/databases/schema";
import { cn } from "@/lib/utils";

type Group = { id: number; name: string };
type FormValues = { name: string; fields: FieldRow[]; accessGroupIds: string[] };

const noop = () => () => {};
/** True once React runs in the browser; before that (and without JavaScript) buttons post the form. */
const useHydrated = () => useSyncExternalStore(noop, () => true, () => false);

/** The form's field path (`fields.2.key`) as the server names it (`fields[2].key`). */
const serverPath = (path: string) => path.replace(/\.(\d+)(?=\.|$)/g, "[$1]");

function FieldError({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <p id={id} className="text-sm text-destructive">
      {message}
    </p>
  );
}

/**
 * The "Create database" form. With JavaScript it validates in the browser (the same zod schema as the
 * server) and edits the field list in place; without it, it is a plain form post and "Add field" /
 * "Remove" round-trip through the server action.
 */
export function CreateDatabaseForm({ accessGroups }: { accessGroups: Group[] }) {
  const [state, formAction, pending] = useActionState(createDatabaseAction, null);
  const failed = state && !state.ok ? state : null;
  const posted = failed?.values;
  const formRef = useRef<HTMLFormElement>(null);
  const hydrated = useHydrated();

  const form = useForm<FormValues, unknown, CreateDatabaseFormOutput>({
    resolver: zodResolver(createDatabaseFormSchema),
    defaultValues: {
      name: posted?.name ?? "",
      fields: posted?.fields?.length ? posted.fields.map((f) => ({ ...emptyFieldRow(), ...f })) : [emptyFieldRow()],
      accessGroupIds: posted?.accessGroupIds ?? [],
    },
  });
  const { fields, append, remove } = useFieldArray({ control: form.control, name: "fields" });
  // RHF fills inputs from JavaScript; the defaultValue props below make the server-rendered form (the
  // only one a browser without JavaScript sees) show the posted values too.
  const errors = form.formState.errors;
  // The browser's own check first, then what the server said (the only source without JavaScript).
  const errorAt = (path: string): string | undefined => {
    const parts = path.split(".");
    let node: unknown = errors;
    for (const part of parts) node = (node as Record<string, unknown> | undefined)?.[part];
    return (node as { message?: string } | undefined)?.message ?? failed?.fieldErrors?.[serverPath(path)];
  };

  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void form.handleSubmit(() => {
      if (formRef.current) {
        const data = new FormData(formRef.current);
        startTransition(() => formAction(data));
      }
    })(event);
  };

  const nameError = errorAt("name");
  const groupsError = errorAt("accessGroupIds");
  const fieldsError = errorAt("fields");

  return (
    <form ref={formRef} action={formAction} onSubmit={onSubmit} noValidate className="space-y-8">
      {/* Enter in a text box presses the form's first submit button: let that be "create", not "remove". */}
      <button type="submit" className="sr-only" tabIndex={-1} aria-hidden="true" />

      {failed?.message ? (
        <Alert variant="destructive">
          <AlertTitle>{failed.message}</AlertTitle>
        </Alert>
      ) : null}

      <div className="max-w-md space-y-2">
        <Label htmlFor="database-name">Name</Label>
        <Input
          id="database-name"
          autoComplete="off"
          aria-invalid={nameError ? true : undefined}
          aria-describedby={nameError ? "database-name-error" : undefined}
          defaultValue={posted?.name}
          {...form.register("name")}
        />
        <FieldError id="database-name-error" message={nameError} />
      </div>

      <fieldset className="space-y-3">
        <legend className="text-sm font-medium">Fields</legend>
        <p className="text-sm text-muted-foreground">
          Custom fields every profile of this database may have, besides email, phone, first and last name. Keys start with a lowercase
          letter and use lowercase letters, digits and _; they are the column names of CSV imports. Rows left blank are ignored.
        </p>
        <FieldError id="fields-error" message={fieldsError} />
        <ol className="space-y-3">
          {fields.map((row, i) => {
            const keyError = errorAt(`fields.${i}.key`);
            const typeError = errorAt(`fields.${i}.type`);
            const labelError = errorAt(`fields.${i}.label`);
            return (
              <li key={row.id} className="grid grid-cols-1 items-start gap-3 rounded-md border p-3 sm:grid-cols-[1fr_10rem_1fr_auto]">
                <div className="space-y-1.5">
                  <Label htmlFor={`field-${i}-key`}>{`Field ${i + 1} key`}</Label>
                  <Input
                    id={`field-${i}-key`}
                    placeholder={i === 0 ? "loyalty_points" : undefined}
                    autoComplete="off"
                    spellCheck={false}
                    aria-invalid={keyError ? true : undefined}
                    aria-describedby={keyError ? `field-${i}-key-error` : undefined}
                    defaultValue={row.key}
                    {...form.register(`fields.${i}.key`)}
                  />
                  <FieldError id={`field-${i}-key-error`} message={keyError} />
                </div>
                <div className="space-y-1.5">
                  <Label htmlFor={`field-${i}-type`}>{`Field ${i + 1} type`}</Label>
                  <select
                    id={`field-${i}-type`}
                    className={cn(fieldClasses, "h-9 py-1")}
                    aria-invalid={typeError ? true : undefined}
                    defaultValue={row.type}
                    {...form.register(`fields.${i}.type`)}
                  >
                    {FIELD_TYPES.map((type) => (
                      <option key={type} value={type}>
                        {FIELD_TYPE_LABELS[type]}
                      </option>
                    ))}
                  </select>
                  <FieldError id={`field-${i}-type-error`} message={typeError} />
                </div>
                <div className="space-y-1.5">
                  <Label htmlFor={`field-${i}-label`}>{`Field ${i + 1} label`}</Label>
                  <Input
                    id={`field-${i}-label`}
                    placeholder={i === 0 ? "Loyalty points" : undefined}
                    autoComplete="off"
                    aria-invalid={labelError ? true : undefined}
                    defaultValue={row.label}
                    {...form.register(`fields.${i}.label`)}
                  />
                  <FieldError id={`field-${i}-label-error`} message={labelError} />
                </div>
                <Button
                  type={hydrated ? "button" : "submit"}
                  name="intent"
                  value={`remove-field:${i}`}
                  variant="ghost"
                  size="icon"
                  className="sm:mt-6"
                  aria-label={`Remove field ${i + 1}`}
                  onClick={() => remove(i)}
                >
                  <Trash2 aria-hidden />
                </Button>
              </li>
            );
          })}
        </ol>
        <Button
          type={hydrated ? "button" : "submit"}
          name="intent"
          value="add-field"
          variant="outline"
          size="sm"
          disabled={fields.length >= MAX_FIELDS}
          onClick={() => append(emptyFieldRow(), { shouldFocus: true })}
        >
          <Plus aria-hidden />
          Add field
        </Button>
      </fieldset>

      <fieldset className="space-y-3">
        <legend className="text-sm font-medium">Access groups</legend>
        <p className="text-sm text-muted-foreground">
          With no group ticked, every signed-in user sees this database. With groups, only their members (and admins) do.
        </p>
        {accessGroups.length ? (
          <ul className="space-y-2">
            {accessGroups.map((group) => (
              <li key={group.id} className="flex items-center gap-2">
                <input
                  id={`group-${group.id}`}
                  type="checkbox"
                  value={String(group.id)}
                  className="size-4 accent-primary"
                  defaultChecked={posted?.accessGroupIds?.includes(String(group.id))}
                  {...form.register("accessGroupIds")}
                />
                <Label htmlFor={`group-${group.id}`} className="font-normal">
                  {group.name}
                </Label>
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-muted-foreground">You are not in any access group, so this database will be visible to everyone.</p>
        )}
        <FieldError id="groups-error" message={groupsError} />
      </fieldset>

      <div className="flex gap-2">
        <Button type="submit" disabled={pending}>
          {pending ? "Creating…" : "Create database"}
        </Button>
      </div>
    </form>
  );
}
