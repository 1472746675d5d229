import type { DatabaseSummary } from "@/lib/databases/queries";
import type { ApiDatabase, ApiMailing } from "./schemas";

export function toApiDatabase(d: DatabaseSummary): ApiDatabase {
  return { id: d.id, name: d.name, fields: d.fields, profile_count: d.profileCount, access_groups: d.accessGroups, created_at: d.createdAt };
}

export function toApiMailing(m: { id: number; name: string; databaseId: number; segmentId: number | null; createdAt: Date }): ApiMailing {
  return { id: m.id, name: m.name, database_id: m.databaseId, segment_id: m.segmentId, created_at: m.createdAt.toISOString() };
}
