import "server-only";
import { getDb, type Db } from "@/db/client";
import { authorize, type PolicyKey } from "@/lib/access/policy";
import type { ActingUser } from "@/lib/access/acting-user";
import { currentUser } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";

export type SessionRouteHandler<P> = ((request: Request, context: { params: Promise<P> }) => Promise<Response>) & { policyKey: PolicyKey };

/**
 * A route handler for the signed-in browser (session cookie, not an API token), e.g. a download link:
 * user from the database → the permission table's role check for `key` → the handler. Known errors
 * answer their status with a plain message; anything else is a 500 without details.
 */
export function sessionRoute<P>(key: PolicyKey, handler: (ctx: { request: Request; db: Db; user: ActingUser; params: P }) => Promise<Response>): SessionRouteHandler<P> {
  const route = async (request: Request, context: { params: Promise<P> }): Promise<Response> => {
    try {
      const user = authorize(await currentUser(), key);
      return await handler({ request, db: await getDb(), user, params: await context.params });
    } catch (error) {
      if (isAppError(error)) return new Response(error.message, { status: error.status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
      console.error(error);
      return new Response("Something went wrong on our side.", { status: 500, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    }
  };
  return Object.assign(route, { policyKey: key });
}
