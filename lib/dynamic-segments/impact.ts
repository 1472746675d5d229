import "server-only";
/**
 * "Preview changes": who would enter, leave and stay if a saved segment took a draft definition
 * (SPEC §6). The draft is checked like any rule (access to every segment it names, fields, cycles
 * back to this segment); both sides are compiled with one clock and compared in one statement
 * (`lib/segments/impact.ts`). Nothing is written.
 */
import { z } from "zod";
import { queryRows, type Db } from "@/db/client";
import { withReadDb } from "@/db/replica";
import { requireVisibleDynamicSegment } from "@/lib/access/guards";
import type { ActingUser } from "@/lib/access/acting-user";
import { invalid } from "@/lib/errors";
import { impactFromRow, impactStatement, type Impact, type ImpactRow } from "@/lib/segments/impact";
import { issuesFromZod, limitSchema, rangeSchema, scriptSchema } from "@/lib/segments/script";
import { prepareSelection, selectionTimeoutMs, withStatementTimeout, type SelectionOptions } from "@/lib/segments/selection";

/** A draft of the definition: what is given replaces the saved value (`null` clears conditions or limit). */
export const impactDraftSchema = z.strictObject({
  range: rangeSchema.optional(),
  conditions: scriptSchema.nullish(),
  limit: limitSchema.nullish(),
});
export type ImpactDraft = z.input<typeof impactDraftSchema>;

export async function segmentImpact(db: Db, user: ActingUser, segmentId: number, draftInput: unknown, opts: Omit<SelectionOptions, "segmentId"> = {}): Promise<Impact> {
  const segment = await requireVisibleDynamicSegment(db, user, segmentId);
  const parsed = impactDraftSchema.safeParse(draftInput ?? {}, { reportInput: true });
  if (!parsed.success) throw invalid(issuesFromZod(parsed.error));
  const draft = parsed.data;
  const given = (key: keyof ImpactDraft) => typeof draftInput === "object" && draftInput !== null && Object.hasOwn(draftInput, key);
  const now = opts.now ?? new Date();
  const saved = await prepareSelection(
    db,
    user,
    { databaseId: segment.databaseId, range: { from: segment.rangeFrom, to: segment.rangeTo }, conditions: segment.conditions, limit: segment.limit },
    { segmentId, now },
  );
  const next = await prepareSelection(
    db,
    user,
    {
      databaseId: segment.databaseId,
      range: draft.range ?? { from: segment.rangeFrom, to: segment.rangeTo },
      conditions: given("conditions") ? (draft.conditions ?? null) : segment.conditions,
      limit: given("limit") ? (draft.limit ?? null) : segment.limit,
    },
    { segmentId, now },
  );
  const timeout = selectionTimeoutMs(opts);
  // One read-only statement (both definitions on one snapshot): on the read replica when there is one.
  const [row] = await withReadDb(db, (reader) => withStatementTimeout(reader, timeout, (tx) => queryRows<ImpactRow>(tx, impactStatement(saved, next))));
  return impactFromRow(row);
}
