import NextAuth from "next-auth";
import { NextResponse, type NextFetchEvent, type NextRequest } from "next/server";
import { authConfig } from "@/lib/auth/auth.config";

// Only redirects signed-out visitors to /login; access itself is decided in the data-access layer.
const { auth } = NextAuth(authConfig);
const redirectSignedOut = auth as unknown as (request: NextRequest, event: NextFetchEvent) => Promise<Response | undefined>;

export default function proxy(request: NextRequest, event: NextFetchEvent) {
  // Server actions check the session themselves. Passing them through also keeps the proxy from
  // re-issuing the session cookie on the very response in which "Sign out" deletes it.
  if (request.headers.has("next-action")) return NextResponse.next();
  return redirectSignedOut(request, event);
}

export const config = {
  matcher: ["/((?!api/|login|_next/static|_next/image|favicon.ico|screenshots/).*)"],
};
