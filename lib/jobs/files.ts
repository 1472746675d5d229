import "server-only";
/**
 * Where finished exports are kept: one file per job under `.data/exports` (EXPORTS_DIR overrides),
 * written as `<name>.part` and renamed only once complete, so a file that exists is a whole export.
 * Files older than EXPORT_RETENTION_DAYS (default 7) are removed when the runner starts.
 */
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { env } from "@/lib/env";

export function exportsDir(): string {
  return env().EXPORTS_DIR;
}

export function exportFileName(jobId: number, extension: string): string {
  return `job-${jobId}.${extension}`;
}

/** The absolute path of a stored export; only names this module made are accepted. */
export function exportFilePath(name: string): string {
  if (!/^job-\d+\.(csv|ndjson)$/.test(name)) throw new Error(`Not an export file name: ${name}`);
  return path.join(exportsDir(), name);
}

export async function ensureExportsDir(): Promise<string> {
  const dir = exportsDir();
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Removes a job's half-written file (after a crash) and finished files past their retention. */
export async function cleanExports(opts: { jobIds?: number[]; olderThanDays?: number } = {}): Promise<void> {
  const dir = exportsDir();
  const names = await readdir(dir).catch(() => [] as string[]);
  const days = opts.olderThanDays ?? env().EXPORT_RETENTION_DAYS;
  const cutoff = Date.now() - days * 86_400_000;
  const ids = new Set(opts.jobIds ?? []);
  for (const name of names) {
    const match = /^job-(\d+)\./.exec(name);
    if (!match) continue;
    const file = path.join(dir, name);
    const orphaned = ids.has(Number(match[1])) && name.endsWith(".part");
    const expired = await stat(file).then((s) => s.mtimeMs < cutoff, () => false);
    if (orphaned || expired) await rm(file, { force: true });
  }
}
