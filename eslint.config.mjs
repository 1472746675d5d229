import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([".next/**", "node_modules/**", ".data/**", ".bench/**", "next-env.d.ts", "test-results/**", "playwright-report/**", "drizzle/**"]),
  {
    // The cycle rule follows imports into other modules; packages are not ours to check, nor cheap to parse.
    settings: { "import/ignore": ["node_modules"] },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/ban-ts-comment": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // No import loops, type-only ones included (eslint-plugin-import comes with eslint-config-next,
      // which also sets up its TypeScript resolver for the `@/` paths).
      "import/no-cycle": ["error", { ignoreExternal: true }],
    },
  },
]);
