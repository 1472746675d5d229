import "server-only";
/**
 * What an "updated" entry of the update log says (SPEC §2: an audit trail names only what really
 * changed, compared by meaning). The definition (range, conditions, limit) is compared in normal
 * form and points to the version the save wrote; the other fields carry their before → after.
 */
import { inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { accessGroups } from "@/db/schema";
import { changedDefinitionParts, type Definition } from "@/lib/segments/normalize";

export type SegmentState = Definition & { name: string; description: string; tags: string[]; accessGroupIds: number[] };

export const TRACKED = ["name", "range", "conditions", "limit", "description", "tags", "accessGroupIds"] as const;
export type TrackedField = (typeof TRACKED)[number];

/** The log's words for a field. */
export const fieldWords: Record<TrackedField, string> = {
  name: "name",
  range: "range",
  conditions: "conditions",
  limit: "limit",
  description: "description",
  tags: "tags",
  accessGroupIds: "access groups",
};

const lines = (s: string) => s.replace(/\r\n?/g, "\n").trim();
const sortedText = (xs: string[]) => [...new Set(xs)].sort();
const sortedIds = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);

/** The fields that differ by meaning, in the log's order. */
export function changedFields(before: SegmentState, after: SegmentState): TrackedField[] {
  const definition = new Set<string>(changedDefinitionParts(before, after));
  return TRACKED.filter((k) => {
    switch (k) {
      case "name":
        return before.name.trim() !== after.name.trim();
      case "description":
        return lines(before.description) !== lines(after.description);
      case "tags":
        return JSON.stringify(sortedText(before.tags)) !== JSON.stringify(sortedText(after.tags));
      case "accessGroupIds":
        return JSON.stringify(sortedIds(before.accessGroupIds)) !== JSON.stringify(sortedIds(after.accessGroupIds));
      default:
        return definition.has(k);
    }
  });
}

export type ChangeDetails = {
  changed: string[];
  /** before → after of the non-definition fields named in `changed`. */
  fields?: Partial<Record<"name" | "description" | "tags" | "accessGroups", { before: unknown; after: unknown }>>;
  /** The version this save wrote, when the definition changed. */
  version?: number;
  restoredFrom?: number;
};

/** The details of an "updated" entry: the changed fields in words, before → after, and the version. */
export async function changeDetails(tx: Db, before: SegmentState, after: SegmentState, changed: TrackedField[], version: number | null, restoredFrom?: number): Promise<ChangeDetails> {
  const fields: ChangeDetails["fields"] = {};
  if (changed.includes("name")) fields.name = { before: before.name, after: after.name };
  if (changed.includes("description")) fields.description = { before: before.description, after: after.description };
  if (changed.includes("tags")) fields.tags = { before: sortedText(before.tags), after: sortedText(after.tags) };
  if (changed.includes("accessGroupIds")) {
    const ids = [...new Set([...before.accessGroupIds, ...after.accessGroupIds])];
    const names = new Map((ids.length ? await tx.select({ id: accessGroups.id, name: accessGroups.name }).from(accessGroups).where(inArray(accessGroups.id, ids)) : []).map((g) => [g.id, g.name]));
    const named = (xs: number[]) => sortedText(xs.map((id) => names.get(id) ?? `group #${id}`));
    fields.accessGroups = { before: named(before.accessGroupIds), after: named(after.accessGroupIds) };
  }
  return {
    changed: changed.map((k) => fieldWords[k]),
    ...(Object.keys(fields).length ? { fields } : {}),
    ...(version !== null ? { version } : {}),
    ...(restoredFrom !== undefined ? { restoredFrom } : {}),
  };
}
