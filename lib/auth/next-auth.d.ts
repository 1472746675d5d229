import "next-auth";

declare module "next-auth" {
  interface Session {
    user: { id: string; email?: string | null; name?: string | null };
    /** The server-side session record behind the cookie (lib/auth/user-sessions.ts). */
    sessionId?: string;
  }
  interface User {
    /** Set at sign-in: the id of the session record just created. */
    sid?: string;
  }
}
