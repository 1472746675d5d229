import type { Metadata } from "next";
import { AccessGroupAdmin } from "@/components/settings/access-group-admin";
import { AccessGroupMembers } from "@/components/settings/access-group-members";
import { CreateAccessGroupForm } from "@/components/settings/create-access-group-form";
import { EmptyState, PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { getDb } from "@/db/client";
import { leadCandidates, listAccessGroups } from "@/lib/access-groups/queries";
import { roleAllows } from "@/lib/access/policy";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Access groups" };

const membershipLabel = { lead: "You lead this group", member: "You are a member" } as const;

export default async function AccessGroupsPage() {
  const user = await requireUser();
  const db = await getDb();
  const isAdmin = roleAllows(user, "accessGroups.manage");
  const [groups, candidates] = await Promise.all([listAccessGroups(db, user), isAdmin ? leadCandidates(db, user) : Promise.resolve([])]);
  return (
    <>
      <PageHeader
        title="Access groups"
        description="A segment or profile database with access groups is visible only to their members (and admins); one without groups, to everyone. Admins create groups and choose their leads; leads add and remove members."
      />
      {isAdmin ? (
        <section aria-labelledby="new-group" className="mb-8 space-y-3 rounded-lg border p-4">
          <h2 id="new-group" className="text-lg font-semibold">
            New access group
          </h2>
          <CreateAccessGroupForm candidates={candidates} />
        </section>
      ) : null}
      {groups.length === 0 ? (
        <EmptyState title="You are not in any access group">You see segments and databases that have no access groups. Ask a team lead to add you to a group.</EmptyState>
      ) : (
        <div className="space-y-6">
          {groups.map((g) => (
            <section key={g.id} aria-labelledby={`group-${g.id}`} className="space-y-3 rounded-lg border p-4">
              <div className="flex flex-wrap items-center gap-2">
                <h2 id={`group-${g.id}`} className="text-lg font-semibold">
                  {g.name}
                </h2>
                {g.membership ? <Badge variant="secondary">{membershipLabel[g.membership]}</Badge> : null}
                <span className="text-sm text-muted-foreground">
                  {g.memberCount} {g.memberCount === 1 ? "member" : "members"}
                  {g.leads.length ? ` · led by ${g.leads.map((l) => l.name).join(", ")}` : " · no lead"}
                  {g.usage ? ` · on ${g.usage.databases} database${g.usage.databases === 1 ? "" : "s"} and ${g.usage.segments} segment${g.usage.segments === 1 ? "" : "s"}` : ""}
                </span>
              </div>
              {g.members ? <AccessGroupMembers groupId={g.id} groupName={g.name} members={g.members} canRemoveLeads={isAdmin} /> : null}
              {isAdmin ? <AccessGroupAdmin group={{ id: g.id, name: g.name, leadIds: g.leads.map((l) => l.userId) }} candidates={candidates} /> : null}
            </section>
          ))}
        </div>
      )}
    </>
  );
}
