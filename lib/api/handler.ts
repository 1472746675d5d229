import "server-only";
import { getDb, type Db } from "@/db/client";
import { authorize, roleAllows, type PolicyKey } from "@/lib/access/policy";
import type { ActingUser } from "@/lib/access/acting-user";
import { AppError, notFound } from "@/lib/errors";
import { authenticateRequest } from "./auth";
import { DEFAULT_MAX_BODY_BYTES, readJsonBody } from "./body";
import { errorResponse, RateLimited } from "./errors";
import { takeRequest } from "./rate-limit";

export type ApiContext<P> = {
  request: Request;
  db: Db;
  user: ActingUser;
  params: P;
  /** The JSON body, read with the route's size cap (413 past it). */
  json: () => Promise<unknown>;
  url: URL;
};

export type ApiHandler<P> = (ctx: ApiContext<P>) => Promise<Response>;

/** A Next.js route handler that also says which permission-table entry it enforces. */
export type ApiRouteHandler<P> = ((request: Request, context: { params: Promise<P> }) => Promise<Response>) & { policyKey: PolicyKey };

/**
 * Every API v1 endpoint: bearer token → acting user (from the database) → per-token rate limit →
 * the permission table's role check for `key` → the handler (parse with the shared zod schemas → data
 * layer, which checks visibility) → JSON. Errors answer SPEC §5's shape.
 */
export function apiRoute<P = Record<string, never>>(key: PolicyKey, handler: ApiHandler<P>, opts: { maxBodyBytes?: number } = {}): ApiRouteHandler<P> {
  const route = async (request: Request, context: { params: Promise<P> }): Promise<Response> => {
    try {
      const db = await getDb();
      const { user, tokenId } = await authenticateRequest(db, request);
      const wait = await takeRequest(db, `token:${tokenId}`);
      if (wait > 0) throw new RateLimited(wait);
      authorize(user, key);
      const params = (await context?.params) ?? ({} as P);
      return await handler({
        request,
        db,
        user,
        params,
        url: new URL(request.url),
        json: () => readJsonBody(request, opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES),
      });
    } catch (error) {
      return errorResponse(error);
    }
  };
  return Object.assign(route, { policyKey: key });
}

/** A path id: anything but a positive 32-bit integer is simply not found. */
export function pathId(value: string | undefined, what: string): number {
  const id = /^\d{1,10}$/.test(value ?? "") ? Number(value) : NaN;
  if (!Number.isSafeInteger(id) || id <= 0 || id > 2_147_483_647) throw notFound(what);
  return id;
}

export const json = (data: unknown, status = 200) => Response.json(data, { status });

/** An endpoint that needs no token (its entry in the table is `public`), e.g. the OpenAPI document. */
export function publicRoute(key: PolicyKey, handler: (request: Request) => Promise<Response>): ApiRouteHandler<Record<string, never>> {
  const route = async (request: Request): Promise<Response> => {
    try {
      if (!roleAllows(null, key)) throw new AppError("unauthorized", "This endpoint needs an API token.");
      return await handler(request);
    } catch (error) {
      return errorResponse(error);
    }
  };
  return Object.assign(route, { policyKey: key });
}
