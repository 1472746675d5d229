import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { externalRoutes, isPolicyKey, policy } from "./policy";

/**
 * The permission table cannot drift: every exported server action carries its entries (attached by
 * defineAction, read from the imported module) and every route handler names one (read from its
 * source), and every name is a real entry. The modules are found by walking the tree, so a new file
 * is covered the moment it exists.
 */

// Importing the action modules must not start Auth.js (it needs Next's runtime); nothing here runs an action.
vi.mock("next-auth", () => ({ AuthError: class AuthError extends Error {}, default: () => ({}) }));
vi.mock("@/lib/auth/auth", () => ({ signIn: vi.fn(), signOut: vi.fn(), clientAddress: vi.fn(), signInSchema: z.object({ email: z.string(), password: z.string() }) }));
vi.mock("@/lib/auth/session", () => ({ currentUser: async () => null }));
const root = path.resolve(import.meta.dirname, "../..");
const skip = new Set(["node_modules", ".next", ".data", ".git", "drizzle", "e2e", "test-results", "playwright-report", ".bench", "docs"]);

function sourceFiles(dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (skip.has(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

const rel = (file: string) => path.relative(root, file).split(path.sep).join("/");

/** True when the file's first statement is the "use server" directive (comments may precede it). */
function isServerActionModule(source: string): boolean {
  const code = source.replace(/^(\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*/, "");
  return /^["']use server["']/.test(code);
}

const files = sourceFiles();
const actionModules = files.filter((f) => isServerActionModule(readFileSync(f, "utf8")));
const routeModules = files.filter((f) => /(^|\/)app\/.*\/route\.tsx?$/.test(rel(f)));

describe("every server action carries its entries of the permission table", () => {
  it("finds the server action modules", () => {
    expect(actionModules.map(rel)).toEqual(expect.arrayContaining(["lib/dynamic-segments/actions.ts", "lib/users/actions.ts", "lib/auth/actions.ts"]));
  });

  for (const file of actionModules) {
    it(rel(file), async () => {
      const source = readFileSync(file, "utf8");
      expect(source, "export server actions by name, not `export { … }` or a default").not.toMatch(/^export\s+(\{|default\b|\*)/m);
      const actions = Object.entries((await import(/* @vite-ignore */ file)) as Record<string, unknown>);
      expect(actions.length).toBeGreaterThan(0);
      for (const [name, action] of actions) {
        expect(typeof action, `${name} is a function`).toBe("function");
        const keys = (action as { policyKeys?: unknown }).policyKeys;
        expect(Array.isArray(keys) && keys.length > 0, `${name} must be built with defineAction / defineFormAction (lib/actions/define-action.ts)`).toBe(true);
        for (const key of keys as string[]) expect(isPolicyKey(key), `${name} names "${key}", which is not in lib/access/policy.ts`).toBe(true);
      }
    });
  }

  it("leaves only sign-in and sign-out without a session", async () => {
    const publicKeys = new Set<string>();
    for (const file of actionModules) {
      for (const action of Object.values((await import(/* @vite-ignore */ file)) as Record<string, { policyKeys?: string[] }>)) {
        for (const key of action.policyKeys ?? []) if (isPolicyKey(key) && policy[key].roles === "public") publicKeys.add(key);
      }
    }
    expect([...publicKeys].sort()).toEqual(["session.signIn", "session.signOut"]);
  });
});

describe("every route handler names its entry in the permission table", () => {
  it("finds the API v1 routes", () => {
    expect(routeModules.map(rel)).toEqual(expect.arrayContaining(["app/api/v1/segments/route.ts", "app/api/v1/segments/[id]/profiles/route.ts"]));
  });

  for (const file of routeModules) {
    it(rel(file), () => {
      const name = rel(file);
      if (externalRoutes[name]) {
        expect(isPolicyKey(externalRoutes[name])).toBe(true);
        return;
      }
      const source = readFileSync(file, "utf8");
      const methods = [...source.matchAll(/^export\s+(?:async\s+function|function|const)\s+(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/gm)].map((m) => m[1]);
      expect(methods.length, "a route module exports at least one method").toBeGreaterThan(0);
      expect(source, "routes export their methods one by one").not.toMatch(/^export\s+(\{|const\s*\{|default\b|\*)/m);
      for (const method of methods) {
        const m = new RegExp(`^export\\s+const\\s+${method}\\s*=\\s*(?:apiRoute|publicRoute|sessionRoute)\\s*(?:<[^>]*>)?\\(\\s*["']([\\w.]+)["']`, "m").exec(source);
        expect(m, `${method} must be \`export const ${method} = apiRoute("<key>", …)\` (or publicRoute)`).not.toBeNull();
        expect(isPolicyKey(m![1]), `${method} names "${m![1]}", which is not in lib/access/policy.ts`).toBe(true);
      }
    });
  }
});

describe("the permission table itself", () => {
  it("gives every entry roles and a summary", () => {
    for (const [key, entry] of Object.entries(policy)) {
      expect(entry.summary, key).not.toBe("");
      expect(entry.roles === "public" || entry.roles.length > 0, key).toBe(true);
    }
  });

  it("keeps user and group administration to admins, and member management to admins and leads", () => {
    expect(policy["users.create"].roles).toEqual(["admin"]);
    expect(policy["users.update"].roles).toEqual(["admin"]);
    expect(policy["accessGroups.manage"].roles).toEqual(["admin"]);
    expect(policy["accessGroups.manageMembers"].roles).toEqual(["admin", "lead"]);
    expect(policy["segments.deletePermanently"].roles).toEqual(["admin", "lead"]);
  });
});
