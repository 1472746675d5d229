import { createHash, randomBytes } from "node:crypto";

/**
 * An API token is `ds_` + 32 random bytes in base64url (43 characters): 256 bits, so guessing is
 * hopeless, and a fast SHA-256 of it is as good as a slow hash for storage (a slow hash protects
 * low-entropy passwords; a random token has no dictionary to try).
 */
export const TOKEN_PREFIX = "ds_";
const TOKEN_PATTERN = /^ds_[A-Za-z0-9_-]{43}$/;

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

/** The stored form of a token: hex SHA-256. The token itself is shown once and never stored. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function looksLikeToken(text: string): boolean {
  return TOKEN_PATTERN.test(text);
}
