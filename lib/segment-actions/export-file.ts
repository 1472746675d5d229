import "server-only";
import { createWriteStream } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/**
 * Writes text chunks to `file` with backpressure (the next chunk is pulled only when the disk took
 * the last), via `<file>.part`, renamed at the end: a failure anywhere (the database connection lost
 * mid-export, a full disk) removes the partial file, so an export that exists is always complete.
 */
export async function writeExportFile(file: string, chunks: AsyncIterable<string | Buffer>): Promise<{ bytes: number }> {
  const part = `${file}.part`;
  try {
    await pipeline(Readable.from(chunks), createWriteStream(part, { flags: "w" }));
    await rename(part, file);
    return { bytes: (await stat(file)).size };
  } catch (error) {
    await rm(part, { force: true });
    throw error;
  }
}

/** "Berlin VIPs" → "berlin-vips"; something file-name safe for the download. */
export function slug(text: string): string {
  const s = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return s || "selection";
}

export const today = (now = new Date()) => now.toISOString().slice(0, 10);
