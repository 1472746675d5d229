import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const stampFile = path.join(process.cwd(), ".next", "source-stamp");

/** A fingerprint of the source tree: the commit plus any uncommitted change, when git is there. */
function sourceStamp(): string {
  try {
    const head = execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const diff = execFileSync("git", ["diff", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 64 << 20 });
    const untracked = execFileSync("git", ["ls-files", "--others", "--exclude-standard"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    return createHash("sha256").update(head).update(diff).update(untracked).digest("hex");
  } catch {
    return "no-git";
  }
}

/** Runs `next build` when there is no build yet or the sources changed since the last one. */
export function buildIfNeeded(): void {
  const stamp = sourceStamp();
  const built = existsSync(path.join(process.cwd(), ".next", "BUILD_ID"));
  // For a quick local loop: keep whatever build exists (never set in CI).
  if (built && process.env.REUSE_BUILD === "1") return;
  if (built && existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) return;
  console.log(built ? "Sources changed since the last build: rebuilding…" : "Building the app (first start, about a minute)…");
  const result = spawnSync(process.execPath, [createRequire(import.meta.url).resolve("next/dist/bin/next"), "build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (result.status !== 0) throw new Error("next build failed");
  writeFileSync(stampFile, stamp);
}
