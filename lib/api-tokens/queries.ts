import "server-only";
import { and, count, desc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { apiTokens, users } from "@/db/schema";
import { authorize } from "@/lib/access/policy";
import { loadActingUser, type ActingUser } from "@/lib/auth/acting-user";
import { AppError, invalid, notFound } from "@/lib/errors";
import { formatPath } from "@/lib/segments/script";
import { generateToken, hashToken, looksLikeToken } from "./token-format";

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

const summaryColumns = {
  id: apiTokens.id,
  name: apiTokens.name,
  createdAt: apiTokens.createdAt,
  lastUsedAt: apiTokens.lastUsedAt,
  revokedAt: apiTokens.revokedAt,
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The user's own tokens, newest first (live ones before revoked ones). */
export async function listApiTokens(db: Db, user: ActingUser): Promise<ApiTokenSummary[]> {
  authorize(user, "apiTokens.list");
  const rows = await db
    .select(summaryColumns)
    .from(apiTokens)
    .where(eq(apiTokens.userId, user.id))
    .orderBy(sql`${apiTokens.revokedAt} is not null`, desc(apiTokens.createdAt), desc(apiTokens.id));
  return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString(), lastUsedAt: iso(r.lastUsedAt), revokedAt: iso(r.revokedAt) }));
}

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

/** Revokes one of the user's own tokens; another user's token (or none) is not found. Revoking twice is fine. */
export async function revokeApiToken(db: Db, user: ActingUser, tokenId: number): Promise<void> {
  authorize(user, "apiTokens.revoke");
  if (!Number.isSafeInteger(tokenId) || tokenId <= 0 || tokenId > 2_147_483_647) throw notFound("The token");
  const [row] = await db
    .update(apiTokens)
    .set({ revokedAt: sql`coalesce(${apiTokens.revokedAt}, now())` })
    .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, user.id)))
    .returning({ id: apiTokens.id });
  if (!row) throw notFound("The token");
}

/** Last-used times are written at most this often per token, so that a busy integration is not a write per request. */
const LAST_USED_RESOLUTION_SECONDS = 60;

/**
 * The acting user behind a bearer token, read from the database on this request: null for an unknown,
 * revoked or malformed token and for a deactivated user. Notes the token's last use.
 */
export async function userForToken(db: Db, token: string): Promise<{ user: ActingUser; tokenId: number } | null> {
  if (!looksLikeToken(token)) return null;
  const [row] = await db
    .select({ id: apiTokens.id, userId: apiTokens.userId, lastUsedAt: apiTokens.lastUsedAt })
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt)));
  if (!row) return null;
  const user = await loadActingUser(db, row.userId);
  if (!user) return null;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_SECONDS * 1000) {
    await db.update(apiTokens).set({ lastUsedAt: sql`now()` }).where(eq(apiTokens.id, row.id));
  }
  return { user, tokenId: row.id };
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
