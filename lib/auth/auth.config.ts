import type { NextAuthConfig } from "next-auth";

/**
 * The edge-safe half of the Auth.js config (no database, no bcrypt): enough for proxy.ts to tell
 * signed-in visitors from signed-out ones. Who a user is and what they may do is decided later, in
 * the data-access layer, from the database.
 */
export const authConfig = {
  pages: { signIn: "/login" },
  session: { strategy: "jwt", maxAge: 60 * 60 * 12 },
  trustHost: true,
  providers: [],
  callbacks: {
    authorized({ auth }) {
      return Boolean(auth?.user);
    },
    jwt({ token, user }) {
      if (user?.id) token.uid = user.id;
      return token;
    },
    session({ session, token }) {
      if (typeof token.uid === "string") session.user.id = token.uid;
      return session;
    },
  },
} satisfies NextAuthConfig;
