import "server-only";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/db/client";
import { orUnavailable } from "@/db/errors";
import { loadActingUser, type ActingUser } from "@/lib/access/acting-user";
import { auth } from "./auth";
import { liveSession } from "./live-session";

/**
 * The signed-in user, loaded from the database once per request; null if signed out or deactivated,
 * or if the cookie's session record was signed out, revoked or left idle (lib/auth/user-sessions.ts).
 */
export const currentUser = cache(async (): Promise<ActingUser | null> => {
  const session = await auth();
  const id = Number(session?.user?.id);
  const sessionId = session?.sessionId;
  if (!Number.isInteger(id) || id <= 0 || !sessionId) return null;
  // The first queries of every page: a database that is not answering shows the app's own error page.
  return orUnavailable(async () => {
    if (!(await liveSession(sessionId, String(id)))) return null;
    const user = await loadActingUser(await getDb(), id);
    return user && { ...user, sessionId };
  });
});

/** For pages: the signed-in user, or a redirect to the sign-in page. */
export async function requireUser(): Promise<ActingUser> {
  const user = await currentUser();
  if (!user) redirect("/login");
  return user;
}
