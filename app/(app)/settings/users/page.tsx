import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { CreateUserForm } from "@/components/settings/create-user-form";
import { UserTable } from "@/components/settings/user-table";
import { PageHeader } from "@/components/shell/page-header";
import { getDb } from "@/db/client";
import { roleAllows } from "@/lib/access/policy";
import { requireUser } from "@/lib/auth/session";
import { listUsers } from "@/lib/users/queries";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const user = await requireUser();
  const header = <PageHeader title="Users" description="People who can sign in, their roles and whether they are active. A change counts from the user's next request." />;
  // A page the role may not open answers 403 (app/(app)/forbidden.tsx says so), not a 200 with a message.
  if (!roleAllows(user, "users.list")) forbidden();
  const users = await listUsers(await getDb(), user);
  return (
    <>
      {header}
      <section aria-labelledby="new-user" className="mb-8 space-y-3 rounded-lg border p-4">
        <h2 id="new-user" className="text-lg font-semibold">
          New user
        </h2>
        <CreateUserForm />
      </section>
      <UserTable users={users} currentUserId={user.id} />
    </>
  );
}
