import "server-only";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/db/client";
import { orUnavailable } from "@/lib/database-errors";
import { AppError } from "@/lib/errors";
import { loadActingUser, type ActingUser } from "./acting-user";
import { auth } from "./auth";

/** The signed-in user, loaded from the database once per request; null if signed out or deactivated. */
export const currentUser = cache(async (): Promise<ActingUser | null> => {
  const session = await auth();
  const id = Number(session?.user?.id);
  if (!Number.isInteger(id) || id <= 0) return null;
  // The first query of every page: a database that is not answering shows the app's own error page.
  return orUnavailable(async () => loadActingUser(await getDb(), id));
});

/** For pages: the signed-in user, or a redirect to the sign-in page. */
export async function requireUser(): Promise<ActingUser> {
  const user = await currentUser();
  if (!user) redirect("/login");
  return user;
}

/** For server actions: the signed-in user, or an `unauthorized` error the action reports. */
export async function requireActionUser(): Promise<ActingUser> {
  const user = await currentUser();
  if (!user) throw new AppError("unauthorized", "Your session has ended. Sign in again.");
  return user;
}
