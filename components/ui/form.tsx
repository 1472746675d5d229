"use client";

import * as React from "react";
import { Slot, type Label as LabelPrimitive } from "radix-ui";
import {
  Controller,
  FormProvider,
  useFormContext,
  useFormState,
  type ControllerProps,
  type FieldPath,
  type FieldValues,
} from "react-hook-form";

import { cn } from "@/lib/utils";
import { Label } from "@/components/ui/label";

/*
 * react-hook-form wiring in the shadcn/ui shape:
 *
 *   <Form {...form}>
 *     <form onSubmit={form.handleSubmit(onSubmit)}>
 *       <FormField control={form.control} name="name" render={({ field }) => (
 *         <FormItem>
 *           <FormLabel>Name</FormLabel>
 *           <FormControl><Input {...field} /></FormControl>
 *           <FormDescription>Shown in the segment list.</FormDescription>
 *           <FormMessage />
 *         </FormItem>
 *       )} />
 *
 * FormControl gives its child the id the label points at, aria-invalid, and
 * aria-describedby for the description and the error, so that a field is found by its
 * label and its error is read with it.
 */

/** The form context provider: spread the `useForm()` result into it. */
const Form = FormProvider;

type FormFieldContextValue = { name: string };

const FormFieldContext = React.createContext<FormFieldContextValue | null>(null);

function FormField<
  TFieldValues extends FieldValues = FieldValues,
  TName extends FieldPath<TFieldValues> = FieldPath<TFieldValues>,
  TTransformedValues = TFieldValues,
>(props: ControllerProps<TFieldValues, TName, TTransformedValues>) {
  const value = React.useMemo(() => ({ name: props.name }), [props.name]);
  return (
    <FormFieldContext.Provider value={value}>
      <Controller {...props} />
    </FormFieldContext.Provider>
  );
}

type FormItemContextValue = {
  id: string;
  hasLabel: boolean;
  hasDescription: boolean;
  setHasLabel: (present: boolean) => void;
  setHasDescription: (present: boolean) => void;
};

const FormItemContext = React.createContext<FormItemContextValue | null>(null);

/** Ids and state of the field around the caller; for custom controls inside a FormItem. */
function useFormField() {
  const fieldContext = React.useContext(FormFieldContext);
  const itemContext = React.useContext(FormItemContext);
  if (!fieldContext) throw new Error("useFormField must be used within <FormField>");
  if (!itemContext) throw new Error("useFormField must be used within <FormItem>");

  const { getFieldState } = useFormContext();
  const formState = useFormState({ name: fieldContext.name });
  const fieldState = getFieldState(fieldContext.name, formState);
  const { id } = itemContext;

  return {
    id,
    name: fieldContext.name,
    formItemId: `${id}-form-item`,
    formLabelId: `${id}-form-item-label`,
    formDescriptionId: `${id}-form-item-description`,
    formMessageId: `${id}-form-item-message`,
    hasLabel: itemContext.hasLabel,
    hasDescription: itemContext.hasDescription,
    setHasLabel: itemContext.setHasLabel,
    setHasDescription: itemContext.setHasDescription,
    ...fieldState,
  };
}

function FormItem({ className, ...props }: React.ComponentProps<"div">) {
  const id = React.useId();
  const [hasLabel, setHasLabel] = React.useState(false);
  const [hasDescription, setHasDescription] = React.useState(false);
  const value = React.useMemo(
    () => ({ id, hasLabel, hasDescription, setHasLabel, setHasDescription }),
    [id, hasLabel, hasDescription],
  );
  return (
    <FormItemContext.Provider value={value}>
      <div data-slot="form-item" className={cn("grid gap-2", className)} {...props} />
    </FormItemContext.Provider>
  );
}

function FormLabel({ className, ...props }: React.ComponentProps<typeof LabelPrimitive.Root>) {
  const { error, formItemId, formLabelId, setHasLabel } = useFormField();
  React.useEffect(() => {
    setHasLabel(true);
    return () => setHasLabel(false);
  }, [setHasLabel]);

  return (
    <Label
      data-slot="form-label"
      data-error={!!error}
      id={formLabelId}
      className={cn("data-[error=true]:text-destructive", className)}
      htmlFor={formItemId}
      {...props}
    />
  );
}

/**
 * Wraps exactly one control (Input, Textarea, SelectTrigger, Checkbox, Switch,
 * RadioGroup, Slider…). `aria-labelledby` also names controls that a <label for> cannot,
 * such as a radio group or a slider.
 */
function FormControl(props: React.ComponentProps<typeof Slot.Root>) {
  const { error, formItemId, formLabelId, formDescriptionId, formMessageId, hasLabel, hasDescription } =
    useFormField();
  const describedBy = [hasDescription && formDescriptionId, error && formMessageId]
    .filter(Boolean)
    .join(" ");

  return (
    <Slot.Root
      data-slot="form-control"
      id={formItemId}
      aria-labelledby={hasLabel ? formLabelId : undefined}
      aria-describedby={describedBy || undefined}
      aria-invalid={!!error}
      {...props}
    />
  );
}

function FormDescription({ className, ...props }: React.ComponentProps<"p">) {
  const { formDescriptionId, setHasDescription } = useFormField();
  React.useEffect(() => {
    setHasDescription(true);
    return () => setHasDescription(false);
  }, [setHasDescription]);

  return (
    <p
      data-slot="form-description"
      id={formDescriptionId}
      className={cn("text-sm text-muted-foreground", className)}
      {...props}
    />
  );
}

/** The field's validation message (or its children when the field is valid). */
function FormMessage({ className, children, ...props }: React.ComponentProps<"p">) {
  const { error, formMessageId } = useFormField();
  const body = error ? String(error.message ?? "") : children;
  if (!body) return null;

  return (
    <p
      data-slot="form-message"
      id={formMessageId}
      className={cn("text-sm text-destructive", className)}
      {...props}
    >
      {body}
    </p>
  );
}

export {
  useFormField,
  Form,
  FormItem,
  FormLabel,
  FormControl,
  FormDescription,
  FormMessage,
  FormField,
};
