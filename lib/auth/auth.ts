import NextAuth from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { storableText } from "@/lib/validation/input";
import { getDb } from "@/db/client";
import { authConfig } from "./auth.config";
import { checkCredentials } from "./credentials";

export const signInSchema = z.object({
  email: storableText().trim().min(1, "Enter your email address.").max(320).email("Enter a valid email address."),
  password: storableText().min(1, "Enter your password.").max(200),
});

export function clientAddress(headers: Headers): string {
  return headers.get("x-forwarded-for")?.split(",")[0]?.trim() || headers.get("x-real-ip") || "unknown";
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  ...authConfig,
  providers: [
    Credentials({
      credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, request) {
        const parsed = signInSchema.safeParse(credentials);
        if (!parsed.success) return null;
        const result = await checkCredentials(await getDb(), parsed.data.email, parsed.data.password, clientAddress(request.headers));
        return result.ok ? { id: String(result.userId) } : null;
      },
    }),
  ],
});
