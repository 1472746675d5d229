import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { externalRoutes, isPolicyKey, policy } from "./policy";

/**
 * The permission table cannot drift: every exported server action and every route handler in the tree
 * names an entry of lib/access/policy.ts (and every name is a real entry). Found by reading the sources,
 * so a new file is covered the moment it exists.
 */
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

/** `export async function name(` / `export const name =` with the text up to the next top-level export. */
function exportedFunctions(source: string): { name: string; body: string }[] {
  const starts = [...source.matchAll(/^export\s+(?:async\s+function\s+(\w+)|function\s+(\w+)|const\s+(\w+)\s*=)/gm)];
  return starts.map((m, i) => ({
    name: m[1] ?? m[2] ?? m[3],
    body: source.slice(m.index, i + 1 < starts.length ? starts[i + 1].index : source.length),
  }));
}

/** Policy keys named by runAction(key, …), authorizeAction(key) and publicAction(key); null for a call without one. */
function namedKeys(body: string): (string | null)[] {
  const keys: (string | null)[] = [];
  for (const m of body.matchAll(/\b(runAction|authorizeAction|publicAction)\s*(?:<[^>()]*>)?\(/g)) {
    const rest = body.slice(m.index + m[0].length);
    // The first argument runs to the first top-level comma or closing parenthesis.
    let depth = 0;
    let end = 0;
    for (; end < rest.length; end++) {
      const c = rest[end];
      if (c === "(" || c === "[" || c === "{") depth++;
      else if (c === ")" || c === "]" || c === "}") {
        if (depth === 0) break;
        depth--;
      } else if (c === "," && depth === 0) break;
    }
    const literals = [...rest.slice(0, end).matchAll(/["']([\w.]+)["']/g)].map((l) => l[1]);
    if (literals.length) keys.push(...literals);
    else keys.push(null);
  }
  return keys;
}

const files = sourceFiles();
const actionModules = files.filter((f) => isServerActionModule(readFileSync(f, "utf8")));
const routeModules = files.filter((f) => /(^|\/)app\/.*\/route\.tsx?$/.test(rel(f)));

describe("every server action names its entry in the permission table", () => {
  it("finds the server action modules", () => {
    expect(actionModules.map(rel)).toEqual(expect.arrayContaining(["lib/dynamic-segments/actions.ts", "lib/users/actions.ts", "lib/auth/actions.ts"]));
  });

  for (const file of actionModules) {
    it(rel(file), () => {
      const source = readFileSync(file, "utf8");
      expect(source, "export server actions as named async functions, not `export { … }` or a default").not.toMatch(/^export\s+(\{|default\b|\*)/m);
      const fns = exportedFunctions(source);
      expect(fns.length).toBeGreaterThan(0);
      for (const fn of fns) {
        const keys = namedKeys(fn.body);
        expect(keys.length, `${fn.name} must run through runAction("<key>", …), authorizeAction("<key>") or publicAction("<key>")`).toBeGreaterThan(0);
        for (const key of keys) {
          expect(key, `${fn.name} calls runAction/authorizeAction without a policy key`).not.toBeNull();
          expect(isPolicyKey(key!), `${fn.name} names "${key}", which is not in lib/access/policy.ts`).toBe(true);
        }
      }
    });
  }
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
