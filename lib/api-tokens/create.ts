import { and, count, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { apiTokens, users } from "@/db/schema";
import { authorize } from "@/lib/access/policy";
import { loadActingUser, type ActingUser } from "@/lib/access/acting-user";
import { AppError, invalid, notFound } from "@/lib/errors";
import { formatPath } from "@/lib/segments/script";
import { generateToken, hashToken } from "./token-format";

/**
 * Minting tokens. Free of `server-only` so that `npm run token` (a plain Node script) can use it; the
 * pages and actions reach it through ./queries.
 */

/** At most this many live (unrevoked) tokens per user: enough for every integration, not for a leak by loop. */
export const MAX_ACTIVE_TOKENS = 25;

export const tokenNameSchema = z
  .string({ error: "Give the token a name." })
  .trim()
  .min(1, { error: "Give the token a name." })
  .max(100, { error: "Use at most 100 characters." });

export const createTokenSchema = z.strictObject({ name: tokenNameSchema });

/** A token as its owner sees it in the list: never the token, never its hash. */
export type ApiTokenSummary = {
  id: number;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

export const summaryColumns = {
  id: apiTokens.id,
  name: apiTokens.name,
  createdAt: apiTokens.createdAt,
  lastUsedAt: apiTokens.lastUsedAt,
  revokedAt: apiTokens.revokedAt,
};

/**
 * Creates a token for the acting user. The answer carries the token itself: the only time it exists
 * outside the caller's hands. Only its SHA-256 is stored.
 */
export async function createApiToken(db: Db, user: ActingUser, input: unknown): Promise<ApiTokenSummary & { token: string }> {
  authorize(user, "apiTokens.create");
  const parsed = createTokenSchema.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error.issues.map((i) => ({ path: formatPath(i.path) || "name", message: i.message })));
  return db.transaction(async (tx) => {
    // Serialise concurrent creations by the same user, so the cap holds.
    await tx.execute(sql`select 1 from ${users} where ${users.id} = ${user.id} for update`);
    const [{ live }] = await tx
      .select({ live: count() })
      .from(apiTokens)
      .where(and(eq(apiTokens.userId, user.id), isNull(apiTokens.revokedAt)));
    if (live >= MAX_ACTIVE_TOKENS)
      throw new AppError("conflict", `You have ${MAX_ACTIVE_TOKENS} active tokens. Revoke one you no longer use first.`);
    const token = generateToken();
    const [row] = await tx
      .insert(apiTokens)
      .values({ userId: user.id, name: parsed.data.name, tokenHash: hashToken(token) })
      .returning(summaryColumns);
    return { ...row, createdAt: row.createdAt.toISOString(), lastUsedAt: null, revokedAt: null, token };
  });
}

/** For `npm run token`: a new token for an active user found by email (no session involved). */
export async function createTokenForEmail(db: Db, email: string, name: string): Promise<{ token: string; user: ActingUser }> {
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(sql`lower(${users.email})`, email.trim().toLowerCase()), eq(users.active, true)));
  const user = row ? await loadActingUser(db, row.id) : null;
  if (!user) throw notFound(`An active user with the email ${email}`);
  const created = await createApiToken(db, user, { name });
  return { token: created.token, user };
}
