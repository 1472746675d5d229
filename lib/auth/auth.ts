import NextAuth from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { storableText } from "@/lib/validation/input";
import { getDb } from "@/db/client";
import { clientAddress } from "@/lib/net/client-address";
import { authConfig } from "./auth.config";
import { checkCredentials } from "./credentials";
import { liveSession } from "./live-session";
import { revokeSession, startSession } from "./user-sessions";

export const signInSchema = z.object({
  email: storableText().trim().min(1, "Enter your email address.").max(320).email("Enter a valid email address."),
  password: storableText().min(1, "Enter your password.").max(200),
});

export { clientAddress };

export const { handlers, auth, signIn, signOut } = NextAuth({
  ...authConfig,
  callbacks: {
    ...authConfig.callbacks,
    /**
     * Every read of the session cookie (pages, actions, `/api/auth/session`) checks its server-side
     * record: a signed-out, revoked or idle session yields no session and its cookie is cleared where
     * the response can carry cookies. When the database cannot be asked, the token passes here —
     * `currentUser()` asks again and fails with the database, so nothing is served on a guess.
     */
    async jwt(params) {
      const token = authConfig.callbacks.jwt(params);
      if (params.user) return token;
      try {
        return (await liveSession(token.sid, token.uid)) ? token : null;
      } catch {
        return token;
      }
    },
  },
  events: {
    async signOut(message) {
      const sid = "token" in message ? message.token?.sid : undefined;
      if (typeof sid === "string") await revokeSession(await getDb(), sid);
    },
  },
  providers: [
    Credentials({
      credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, request) {
        const parsed = signInSchema.safeParse(credentials);
        if (!parsed.success) return null;
        const db = await getDb();
        const address = clientAddress(request.headers);
        const result = await checkCredentials(db, parsed.data.email, parsed.data.password, address);
        if (!result.ok) return null;
        const sid = await startSession(db, { userId: result.userId, userAgent: request.headers.get("user-agent"), ipAddress: address });
        return { id: String(result.userId), sid };
      },
    }),
  ],
});
