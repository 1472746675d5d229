import { getDb } from "@/db/client";
import { createApiToken } from "@/lib/api-tokens/queries";
import type { ActingUser } from "@/lib/access/acting-user";
import type { ApiRouteHandler } from "./handler";

/** Helpers for the API's Vitest files: tokens for fixture users, and route handlers called with a real Request. */

export async function tokenFor(user: ActingUser, name = "test"): Promise<string> {
  return (await createApiToken(await getDb(), user, { name })).token;
}

export type CallOptions = {
  token?: string | null;
  body?: unknown;
  /** Sent as is (for malformed JSON and size tests). */
  rawBody?: string | ReadableStream<Uint8Array>;
  params?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
};

export async function call<P>(handler: ApiRouteHandler<P>, method: string, path: string, opts: CallOptions = {}): Promise<Response> {
  const url = new URL(`http://localhost/api/v1${path}`);
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
  const headers = new Headers(opts.headers);
  if (opts.token) headers.set("authorization", `Bearer ${opts.token}`);
  let body: BodyInit | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers.set("content-type", "application/json");
  }
  const request = new Request(url, { method, headers, body, ...(body instanceof ReadableStream ? { duplex: "half" } : {}) } as RequestInit);
  return handler(request, { params: Promise.resolve((opts.params ?? {}) as P) });
}

/** The JSON answer with its status, for compact assertions. */
export async function callJson<P>(handler: ApiRouteHandler<P>, method: string, path: string, opts: CallOptions = {}) {
  const res = await call(handler, method, path, opts);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}
