import { NextResponse, type NextRequest } from "next/server";

/**
 * Only sends visitors without a session cookie to /login. It neither reads nor re-issues the session:
 * who a user is and what they may do is decided by the data-access layer on every request
 * (`requireUser()`), which also sends an expired or revoked session to /login. Never re-issuing the
 * cookie here matters for "Sign out": a prefetch still in flight must not put the cookie back.
 */
export default function proxy(request: NextRequest) {
  // Server actions check the session themselves.
  if (request.headers.has("next-action")) return NextResponse.next();
  const hasSession = request.cookies.getAll().some((c) => /^(__Secure-)?authjs\.session-token(\.\d+)?$/.test(c.name));
  if (hasSession) return NextResponse.next();
  const login = new URL("/login", request.url);
  login.searchParams.set("callbackUrl", request.nextUrl.pathname + request.nextUrl.search);
  return NextResponse.redirect(login);
}

export const config = {
  matcher: ["/((?!api/|login|_next/static|_next/image|favicon.ico|favicon.svg|robots.txt|screenshots/).*)"],
};
