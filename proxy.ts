import { NextResponse, type NextRequest } from "next/server";
import { isForeignActionPost } from "@/lib/action-origin";
import { pageContentSecurityPolicy } from "@/lib/http/security-headers";

const SESSION_COOKIE = /^(__Secure-)?authjs\.session-token(\.\d+)?$/;

/**
 * Two jobs, both on page requests only:
 * - a Content-Security-Policy with a fresh nonce, set on the request (Next.js reads the nonce from it
 *   and puts it on its scripts) and on the answer (the browser enforces it); the other headers
 *   (nosniff, HSTS over https, …) come from next.config.ts for every answer;
 * - visitors without a session cookie go to /login. It neither reads nor re-issues the session: who a
 *   user is and what they may do is decided by the data-access layer on every request
 *   (`requireUser()`), which also sends an expired or revoked session to /login. Never re-issuing the
 *   cookie here matters for "Sign out": a prefetch still in flight must not put the cookie back.
 */
export default function proxy(request: NextRequest) {
  // A server action posted from another site: 403 (Next.js would refuse it with a 500).
  if (isForeignActionPost(request)) return new NextResponse("This request came from another site.", { status: 403, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  // x-forwarded-proto is believed only from TRUSTED_PROXIES: scripts/serve.ts overwrites it otherwise.
  const https = request.nextUrl.protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";
  const nonce = btoa(crypto.randomUUID());
  const csp = pageContentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === "development", https });

  const { pathname, search } = request.nextUrl;
  const isLogin = pathname === "/login" || pathname.startsWith("/login/");
  // Server actions check the session themselves.
  const mustSignIn = !isLogin && !request.headers.has("next-action") && !request.cookies.getAll().some((c) => SESSION_COOKIE.test(c.name));

  let response: NextResponse;
  if (mustSignIn) {
    const login = new URL("/login", request.url);
    login.searchParams.set("callbackUrl", pathname + search);
    response = NextResponse.redirect(login);
  } else {
    const requestHeaders = new Headers(request.headers);
    requestHeaders.set("x-nonce", nonce);
    requestHeaders.set("Content-Security-Policy", csp);
    response = NextResponse.next({ request: { headers: requestHeaders } });
  }
  response.headers.set("Content-Security-Policy", csp);
  return response;
}

export const config = {
  // Pages only: route handlers, static files and images get their headers from next.config.ts.
  matcher: ["/((?!api/|_next/static|_next/image|favicon.ico|screenshots/).*)"],
};
