import "server-only";
import type { Db } from "@/db/client";
import { userForToken } from "@/lib/api-tokens/queries";
import type { ActingUser } from "@/lib/access/acting-user";
import { lockedUntil, recordFailure } from "@/lib/auth/throttle";
import { AppError } from "@/lib/errors";
import { clientAddress } from "@/lib/net/client-address";
import { RateLimited } from "./errors";

/** Failed bearer attempts are counted per client address like failed sign-ins (20 in 15 minutes, then locked). */
const failureKey = (request: Request) => `api:${clientAddress(request.headers)}`;

const unauthorized = (message: string) => new AppError("unauthorized", message);

function bearerToken(request: Request): string | null {
  const header = request.headers.get("authorization");
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : "";
}

/**
 * The acting user behind the request's `Authorization: Bearer <token>`, read from the database on this
 * request: a missing, malformed, unknown or revoked token, or a deactivated user, is 401. An address
 * that keeps presenting bad tokens is locked out for a while (429).
 */
export async function authenticateRequest(db: Db, request: Request): Promise<{ user: ActingUser; tokenId: number }> {
  const token = bearerToken(request);
  if (token === null) throw unauthorized("Send an API token: Authorization: Bearer <token> (create one under Settings → API tokens).");
  const keys = [failureKey(request)];
  const locked = await lockedUntil(db, keys);
  if (locked) throw new RateLimited(Math.max(1, Math.ceil((locked.getTime() - Date.now()) / 1000)), "Too many requests with invalid tokens from this address. Try again later.");
  const found = token ? await userForToken(db, token) : null;
  if (!found) {
    await recordFailure(db, keys);
    throw unauthorized("The API token is not valid: it is unknown or revoked, or its user is deactivated.");
  }
  return found;
}
