import type { Metadata } from "next";
import { SessionTable } from "@/components/settings/session-table";
import { SignOutOthersForm } from "@/components/settings/sign-out-others-form";
import { PageHeader } from "@/components/shell/page-header";
import { getDb } from "@/db/client";
import { requireUser } from "@/lib/auth/session";
import { listOwnSessions, sessionIdleMinutes } from "@/lib/auth/user-sessions";

export const metadata: Metadata = { title: "Sessions" };

export default async function SessionsPage() {
  const user = await requireUser();
  const sessions = await listOwnSessions(await getDb(), user);
  const idle = sessionIdleMinutes();
  return (
    <>
      <PageHeader
        title="Sessions"
        description={`Where you are signed in. A session ends when you sign out, after ${idle} minutes without use, 12 hours after signing in, or when your password changes.`}
      />
      <section aria-labelledby="open-sessions" className="space-y-4">
        <h2 id="open-sessions" className="text-lg font-semibold">
          Open sessions
        </h2>
        <SessionTable sessions={sessions} />
        <SignOutOthersForm others={sessions.filter((s) => !s.current).length} />
      </section>
    </>
  );
}
