import "server-only";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { apiTokens } from "@/db/schema";
import { authorize } from "@/lib/access/policy";
import { loadActingUser, type ActingUser } from "@/lib/access/acting-user";
import { notFound } from "@/lib/errors";
import { summaryColumns, type ApiTokenSummary } from "./create";
import { hashToken, looksLikeToken } from "./token-format";

export { createApiToken, createTokenSchema, MAX_ACTIVE_TOKENS, type ApiTokenSummary } from "./create";

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
