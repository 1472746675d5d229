import NextAuth from "next-auth";
import { authConfig } from "@/lib/auth/auth.config";

// Only redirects signed-out visitors to /login; access itself is decided in the data-access layer.
const { auth } = NextAuth(authConfig);
export default auth;

export const config = {
  matcher: ["/((?!api/|login|_next/static|_next/image|favicon.ico|screenshots/).*)"],
};
