import type { DatabaseSummary } from "@/lib/databases/queries";
import type { AccessGroupView } from "@/lib/access-groups/queries";
import type { ApiAccessGroup, ApiDatabase, ApiMailing } from "./schemas";

export function toApiDatabase(d: DatabaseSummary): ApiDatabase {
  return { id: d.id, name: d.name, fields: d.fields, profile_count: d.profileCount, access_groups: d.accessGroups, created_at: d.createdAt };
}

export function toApiMailing(m: { id: number; name: string; databaseId: number; segmentId: number | null; createdAt: Date }): ApiMailing {
  return { id: m.id, name: m.name, database_id: m.databaseId, segment_id: m.segmentId, created_at: m.createdAt.toISOString() };
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
