import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { mailings } from "@/db/schema";
import type { BuilderOptions } from "@/lib/dynamic-segments/builder-types";
import { parseScript, type SelectionRule } from "./script";
import type { ValidationContext } from "./validate";

/** What the builder's condition descriptions need: field labels, segment and mailing names. */
export async function ruleLabelOptions(db: Db, rule: SelectionRule, ctx: ValidationContext): Promise<BuilderOptions> {
  const mailingIds = new Set<number>();
  const scripts = [rule.conditions, ...[...ctx.dynamicSegments.values()].map((s) => parseScript(s.conditions)).map((r) => (r.ok ? r.value : null))];
  for (const script of scripts)
    for (const group of script?.groups ?? []) for (const c of group.conditions) if (c.kind === "interaction" && c.mailing_id) mailingIds.add(c.mailing_id);
  const names = mailingIds.size
    ? await db
        .select({ id: mailings.id, name: mailings.name, databaseId: mailings.databaseId })
        .from(mailings)
        .where(and(inArray(mailings.id, [...mailingIds]), eq(mailings.databaseId, rule.databaseId)))
    : [];
  return {
    databases: [{ id: rule.databaseId, name: "", profileCount: 0, fields: [...ctx.fields] }],
    mailings: names,
    dynamicSegments: [...ctx.dynamicSegments.values()].map((s) => ({ id: s.id, name: s.name, databaseId: s.databaseId })),
    staticSegments: [...ctx.staticSegments.values()].map((s) => ({ id: s.id, name: s.name, databaseId: s.databaseId })),
    accessGroups: [],
    tags: [],
    eventTypes: {},
  };
}

