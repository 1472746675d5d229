import type { NextConfig } from "next";
import { API_CONTENT_SECURITY_POLICY, COMMON_SECURITY_HEADERS, HSTS } from "./lib/http/security-headers";

const nextConfig: NextConfig = {
  // PGlite ships wasm and postgres.js opens sockets: both must stay outside the bundle.
  serverExternalPackages: ["@electric-sql/pglite", "postgres"],
  allowedDevOrigins: ["127.0.0.1"],
  poweredByHeader: false,
  // No next/image in the app: the optimizer stays off, so /_next/image answers 404 for any url.
  images: { unoptimized: true },
  experimental: {
    // CSV imports post files up to 50 MB (MAX_CSV_BYTES) to a server action, through the proxy.
    serverActions: { bodySizeLimit: "51mb" },
    proxyClientMaxBodySize: "51mb",
  },
  // Pages get their Content-Security-Policy (with a nonce) from proxy.ts; see docs/security.md.
  async headers() {
    return [
      { source: "/:path*", headers: COMMON_SECURITY_HEADERS },
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: API_CONTENT_SECURITY_POLICY }] },
      // scripts/serve.ts overwrites X-Forwarded-Proto unless a trusted proxy sent it.
      { source: "/:path*", has: [{ type: "header", key: "x-forwarded-proto", value: "https" }], headers: [HSTS] },
    ];
  },
};

export default nextConfig;
