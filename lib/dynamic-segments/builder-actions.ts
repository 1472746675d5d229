"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { SegmentFormValues } from "@/lib/dynamic-segments/builder-types";
import { runAction, type ActionResult } from "@/lib/actions/safe-action";
import { parseInput } from "@/lib/api/parse";
import { AppError, invalid, type Issue } from "@/lib/errors";
import { parseScriptText, type Script } from "@/lib/segments/script";
import { calculateSavedSegment, calculateSelection, prepareSelection, showSelection, type SelectionProfile } from "@/lib/segments/selection";
import { idSchema } from "@/lib/validation/input";
import { createSegment, segmentConditions, updateSegment } from "./save";

/** The rule the builder calculates: what a selection is, before it is saved. */
export type RuleInput = {
  databaseId: number;
  range: { from: number; to: number };
  conditions: Script | null;
  limit: number | null;
};
export type ShownProfile = SelectionProfile;

const optionalId = idSchema("Not a segment id.").optional();

/** Calculate (and Refresh count). An unchanged saved segment is calculated as itself and logged. */
export async function calculateRuleAction(rule: RuleInput, savedSegmentId?: number): Promise<ActionResult<{ count: number; calculatedAt: string }>> {
  const result = await runAction("segments.calculate", async ({ db, user }) => {
    const id = parseInput(optionalId, savedSegmentId);
    const { count, calculatedAt } = id ? await calculateSavedSegment(db, user, id) : await calculateSelection(db, user, rule);
    return { count, calculatedAt: calculatedAt.toISOString() };
  });
  if (result.ok && savedSegmentId) revalidatePath(`/segments/dynamic/${savedSegmentId}`);
  return result;
}

/** Show: the first 100 profiles of the selection. */
export async function showRuleAction(rule: RuleInput): Promise<ActionResult<{ profiles: ShownProfile[] }>> {
  return runAction("segments.show", async ({ db, user }) => ({ profiles: await showSelection(db, user, rule) }));
}

/** Checks conditions from the Script editor against the source's fields and segments; issues come back as data. */
export async function checkConditionsAction(input: { databaseId: number; conditions: Script; segmentId?: number }): Promise<ActionResult<{ issues: Issue[] }>> {
  return runAction("segments.checkConditions", async ({ db, user }) => {
    try {
      await prepareSelection(db, user, { databaseId: input.databaseId, conditions: input.conditions }, { segmentId: parseInput(optionalId, input.segmentId) });
      return { issues: [] };
    } catch (error) {
      if (error instanceof AppError && error.code === "validation_failed")
        return { issues: error.issues.map((i) => ({ ...i, path: i.path.replace(/^conditions\.?/, "") })) };
      throw error;
    }
  });
}

/** The conditions of another visible segment, for "Import conditions". */
export async function importConditionsAction(segmentId: number): Promise<ActionResult<Script>> {
  return runAction("segments.importConditions", async ({ db, user }) => (await segmentConditions(db, user, parseInput(idSchema("Not a segment id."), segmentId))).script);
}

export type SaveSegmentState = {
  message?: string;
  fieldErrors?: Record<string, string>;
  conditionIssues?: Issue[];
  values?: SegmentFormValues;
};

const firstFilled = (form: FormData, name: string) =>
  form
    .getAll(name)
    .map((v) => (typeof v === "string" ? v.trim() : ""))
    .find((v) => v !== "") ?? "";

const numberOr = (text: string, fallback: number) => (text === "" ? fallback : Number(text));

/** The form's fields as values (also what a failed no-JavaScript post shows again). */
function formValues(form: FormData): SegmentFormValues & { scriptText: string } {
  const id = Number(firstFilled(form, "id")) || undefined;
  const scriptText = firstFilled(form, "script");
  const parsed = parseScriptText(scriptText);
  return {
    id,
    name: String(form.get("name") ?? ""),
    databaseId: Number(firstFilled(form, "databaseId")) || null,
    rangeFrom: numberOr(firstFilled(form, "rangeFrom"), 0),
    rangeTo: numberOr(firstFilled(form, "rangeTo"), 100),
    conditions: parsed.ok ? parsed.value : null,
    scriptText,
    limit: form.get("limitEnabled") ? numberOr(firstFilled(form, "limit"), NaN) : null,
    description: String(form.get("description") ?? ""),
    tags: String(form.get("tags") ?? "")
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean),
    accessGroupIds: form
      .getAll("accessGroupIds")
      .map(Number)
      .filter((n) => Number.isInteger(n) && n > 0),
  };
}

const fieldFor = (path: string): string | null => {
  if (path.startsWith("range.from")) return "rangeFrom";
  if (path.startsWith("range")) return "rangeTo";
  const head = path.split(/[.[]/)[0];
  return ["name", "databaseId", "limit", "description", "tags", "accessGroupIds"].includes(head) ? head : null;
};

/** Save: validates on the server with the shared schemas, saves, calculates, then opens the saved segment. */
export async function saveSegmentAction(_prev: SaveSegmentState, form: FormData): Promise<SaveSegmentState> {
  const { scriptText, ...values } = formValues(form);
  const result = await runAction(values.id ? "segments.update" : "segments.create", async ({ db, user }) => {
    const parsedScript = parseScriptText(scriptText);
    if (!parsedScript.ok) throw invalid(parsedScript.issues.map((i) => ({ ...i, path: i.path ? `conditions.${i.path}` : "conditions" })), "The Script is not valid.");
    const input = {
      name: values.name,
      databaseId: values.databaseId ?? undefined,
      range: { from: values.rangeFrom, to: values.rangeTo },
      conditions: parsedScript.value,
      limit: values.limit,
      description: values.description,
      tags: values.tags,
      accessGroupIds: values.accessGroupIds,
    };
    return values.id ? updateSegment(db, user, values.id, input) : createSegment(db, user, input);
  });
  if (!result.ok) {
    const fieldErrors: Record<string, string> = {};
    const conditionIssues: Issue[] = [];
    for (const issue of result.issues ?? []) {
      const field = fieldFor(issue.path);
      if (field) fieldErrors[field] ??= issue.message;
      else conditionIssues.push({ ...issue, path: issue.path.replace(/^conditions\.?/, "") });
    }
    return { message: result.message, fieldErrors, conditionIssues, values };
  }
  revalidatePath("/segments/dynamic");
  redirect(`/segments/dynamic/${result.data.id}${result.data.warning ? "?calc=timeout" : ""}`);
}
