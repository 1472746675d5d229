import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // PGlite ships wasm and postgres.js opens sockets: both must stay outside the bundle.
  serverExternalPackages: ["@electric-sql/pglite", "postgres"],
  allowedDevOrigins: ["127.0.0.1"],
  poweredByHeader: false,
};

export default nextConfig;
