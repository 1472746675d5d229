import "server-only";
/**
 * What validation needs from the database: the source database's fields and every segment a rule
 * refers to, directly or through dynamic segments, as the acting user sees them.
 */
import { eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { dynamicSegments, profileFields, staticSegments } from "@/db/schema";
import { databaseVisible, dynamicSegmentVisible, staticSegmentVisible } from "@/lib/access/visibility";
import type { ActingUser } from "@/lib/access/acting-user";
import { AppError, invalid, type Issue } from "@/lib/errors";
import type { FieldType } from "./fields";
import { formatPath, parseScript, type Script, type SelectionRule } from "./script";
import { referencedSegments, type DynamicSegmentInfo, type StaticSegmentInfo, type ValidationContext } from "./validate";

/**
 * The source database's fields and every segment the rule refers to, directly or through dynamic
 * segments, as the acting user sees them. A segment that is absent or invisible answers 404, the
 * same either way, so that the existence of invisible segments does not leak.
 */
export async function loadValidationContext(db: Db, user: ActingUser, rule: SelectionRule, segmentId?: number): Promise<ValidationContext> {
  const fields = await db
    .select({ key: profileFields.key, type: profileFields.type, label: profileFields.label })
    .from(profileFields)
    .where(eq(profileFields.databaseId, rule.databaseId))
    .orderBy(profileFields.position, profileFields.key);

  const staticInfo = new Map<number, StaticSegmentInfo>();
  const dynamicInfo = new Map<number, DynamicSegmentInfo>();
  const wantedStatic = new Map<number, string>(); // id → path of the root condition that leads to it
  const wantedDynamic = new Map<number, string>();
  const note = (script: Script | null, into: { static: Map<number, string>; dynamic: Map<number, string> }, via?: string) => {
    script?.groups.forEach((group, g) =>
      group.conditions.forEach((c, i) => {
        if (c.kind !== "segment") return;
        const target = into[c.segment_type];
        if (!target.has(c.segment_id)) target.set(c.segment_id, via ?? formatPath(["conditions", "groups", g, "conditions", i, "segment_id"]));
      }),
    );
  };
  note(rule.conditions, { static: wantedStatic, dynamic: wantedDynamic });

  let frontier = [...wantedDynamic.keys()];
  for (let level = 0; frontier.length > 0; level++) {
    if (level > 32) throw invalid([{ path: "conditions", message: "Segments refer to each other too deeply." }]);
    const rows = await db
      .select({
        id: dynamicSegments.id,
        name: dynamicSegments.name,
        databaseId: dynamicSegments.databaseId,
        deletedAt: dynamicSegments.deletedAt,
        rangeFrom: dynamicSegments.rangeFrom,
        rangeTo: dynamicSegments.rangeTo,
        conditions: dynamicSegments.conditions,
        limit: dynamicSegments.limit,
        visible: sql<boolean>`(${dynamicSegmentVisible(user, dynamicSegments.id)} and ${databaseVisible(user, dynamicSegments.databaseId)})`,
      })
      .from(dynamicSegments)
      .where(inArray(dynamicSegments.id, frontier));
    const found = new Map(rows.map((r) => [r.id, r]));
    const next: number[] = [];
    for (const id of frontier) {
      const row = found.get(id);
      if (!row || !row.visible) throw segmentNotFound(wantedDynamic.get(id)!);
      dynamicInfo.set(id, {
        id,
        name: row.name,
        databaseId: row.databaseId,
        binned: row.deletedAt !== null,
        range: { from: Number(row.rangeFrom), to: Number(row.rangeTo) },
        conditions: row.conditions,
        limit: row.limit,
      });
      const parsed = parseScript(row.conditions);
      if (!parsed.ok) continue; // reported by validation
      const via = wantedDynamic.get(id)!;
      const before = new Set(wantedDynamic.keys());
      note(parsed.value, { static: wantedStatic, dynamic: wantedDynamic }, via);
      for (const ref of referencedSegments(parsed.value).dynamic) if (!before.has(ref)) next.push(ref);
    }
    frontier = [...new Set(next)];
  }

  if (wantedStatic.size > 0) {
    const rows = await db
      .select({
        id: staticSegments.id,
        name: staticSegments.name,
        databaseId: staticSegments.databaseId,
        deletedAt: staticSegments.deletedAt,
        visible: sql<boolean>`(${staticSegmentVisible(user, staticSegments.id)} and ${databaseVisible(user, staticSegments.databaseId)})`,
      })
      .from(staticSegments)
      .where(inArray(staticSegments.id, [...wantedStatic.keys()]));
    const found = new Map(rows.map((r) => [r.id, r]));
    for (const [id, path] of wantedStatic) {
      const row = found.get(id);
      if (!row || !row.visible) throw segmentNotFound(path);
      staticInfo.set(id, { id, name: row.name, databaseId: row.databaseId, binned: row.deletedAt !== null });
    }
  }

  return {
    fields: fields.map((f) => ({ key: f.key, type: f.type as FieldType, label: f.label })),
    staticSegments: staticInfo,
    dynamicSegments: dynamicInfo,
    segmentId,
  };
}

function segmentNotFound(path: string): AppError {
  const issue: Issue = { path, message: "This segment was not found." };
  return new AppError("not_found", "A segment this selection refers to was not found.", [issue]);
}
