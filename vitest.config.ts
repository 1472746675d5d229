import net from "node:net";
import path from "node:path";
import { defineConfig } from "vitest/config";

const adminUrl = process.env.TEST_PG_URL || "postgres://postgres@127.0.0.1:5432/postgres";

function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 5432) });
    socket.setTimeout(1500);
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("timeout", () => (socket.destroy(), resolve(false)));
    socket.once("error", () => resolve(false));
  });
}

/**
 * Integration tests run once per database kind: always on PGlite, and on PostgreSQL when one answers
 * at TEST_PG_URL (or when VITEST_DBS asks for it, in which case an absent server is an error).
 * VITEST_DBS=pglite|postgres|pglite,postgres narrows the set.
 */
export default defineConfig(async () => {
  const wanted = (process.env.VITEST_DBS || "").split(",").filter(Boolean);
  const kinds = wanted.length ? wanted : ["pglite", ...((await reachable(adminUrl)) ? ["postgres"] : [])];
  return {
    resolve: {
      alias: {
        "@": import.meta.dirname,
        "server-only": path.join(import.meta.dirname, "db/testing/empty.ts"),
      },
    },
    test: {
      testTimeout: 60_000,
      hookTimeout: 120_000,
      projects: kinds.map((kind) => ({
        extends: true as const,
        test: {
          name: kind,
          include: ["**/*.test.ts"],
          exclude: ["node_modules/**", ".next/**", "e2e/**", ".data/**"],
          env: { TEST_DB_KIND: kind, TEST_PG_URL: adminUrl },
          globalSetup: kind === "postgres" ? ["db/testing/global-setup-postgres.ts"] : [],
          setupFiles: ["db/testing/setup.ts"],
        },
      })),
    },
  };
});
