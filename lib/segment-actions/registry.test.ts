import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { policy, type PolicyKey } from "@/lib/access/policy";
import { selectionActionList, selectionActions } from "./registry";

/**
 * An action on a selection is its file: the registry lists every file that declares an entry
 * (`definitions.ts`), and the permission table holds each entry's row as the file declares it.
 */
const dir = import.meta.dirname;
const declaring = readdirSync(dir).filter(
  (f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && f !== "define.ts" && /\bdefineSelectionAction\(/.test(readFileSync(path.join(dir, f), "utf8")),
);

describe("the registry of actions on a selection", () => {
  it("finds the files that declare an action", () => {
    expect(declaring).toEqual(expect.arrayContaining(["copy-to-static-segment.ts", "export-history.ts"]));
  });

  for (const file of declaring) {
    it(`lists the entry of ${file}`, async () => {
      const entries = Object.values((await import(/* @vite-ignore */ path.join(dir, file))) as Record<string, unknown>).filter(
        (value): value is { kind: string } => typeof value === "object" && value !== null && "kind" in value && "policy" in value && "run" in value,
      );
      expect(entries.length, `${file} exports its entry`).toBeGreaterThan(0);
      for (const entry of entries) expect(selectionActions[entry.kind as keyof typeof selectionActions], `${entry.kind}: add its line to definitions.ts`).toBe(entry);
    });
  }

  it("gives each action a kind and a policy key of its own", () => {
    expect(new Set(selectionActionList.map((e) => e.kind)).size).toBe(selectionActionList.length);
    expect(new Set(selectionActionList.map((e) => e.policy.key)).size).toBe(selectionActionList.length);
  });

  it("puts each action's policy entry, as its file declares it, into the permission table", () => {
    for (const { policy: { key, ...declared } } of selectionActionList) expect(policy[key as PolicyKey], key).toEqual(declared);
    expect(policy["segments.copyToStaticSegment"]).toEqual({
      roles: ["admin", "lead", "marketer"],
      checks: ["database visible", "referenced segments visible", "target static segment visible"],
      summary: "Copy selected profiles to a static segment.",
    });
  });
});
