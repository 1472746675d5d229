import type { DatabaseSummary } from "@/lib/databases/queries";
import type { AccessGroupView } from "@/lib/access-groups/queries";
import type { SegmentVersion } from "@/lib/dynamic-segments/versions";
import type { ApiAccessGroup, ApiDatabase, ApiMailing, ApiVersion } from "./schemas";

export function toApiDatabase(d: DatabaseSummary): ApiDatabase {
  return { id: d.id, name: d.name, fields: d.fields, profile_count: d.profileCount, access_groups: d.accessGroups, created_at: d.createdAt };
}

export function toApiMailing(m: { id: number; name: string; databaseId: number; segmentId: number | null; segmentVersion: number | null; createdAt: Date }): ApiMailing {
  return { id: m.id, name: m.name, database_id: m.databaseId, segment_id: m.segmentId, segment_version: m.segmentVersion, created_at: m.createdAt.toISOString() };
}

export function toApiVersion(v: SegmentVersion): ApiVersion {
  return {
    n: v.n,
    created_at: v.createdAt.toISOString(),
    created_by: v.createdBy,
    created_by_name: v.createdByName,
    range: v.range,
    conditions: v.conditions,
    limit: v.limit,
    count: v.count,
    restored_from: v.restoredFrom,
  };
}

export function toApiAccessGroup(g: AccessGroupView): ApiAccessGroup {
  return {
    id: g.id,
    name: g.name,
    membership: g.membership,
    can_manage_members: g.canManageMembers,
    leads: g.leads.map((l) => ({ user_id: l.userId, name: l.name })),
    member_count: g.memberCount,
    members: g.members ? g.members.map((m) => ({ user_id: m.userId, name: m.name, email: m.email, is_lead: m.isLead })) : null,
  };
}
