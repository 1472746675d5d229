import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // PGlite ships wasm and postgres.js opens sockets: both must stay outside the bundle.
  serverExternalPackages: ["@electric-sql/pglite", "postgres"],
  allowedDevOrigins: ["127.0.0.1"],
  poweredByHeader: false,
  experimental: {
    // forbidden(): a page a role may not open answers 403 with app/(app)/forbidden.tsx.
    authInterrupts: true,
    // CSV imports post files up to 50 MB (MAX_CSV_BYTES) to a server action, through the proxy.
    serverActions: { bodySizeLimit: "51mb" },
    proxyClientMaxBodySize: "51mb",
  },
};

export default nextConfig;
