/**
 * Per-transaction settings of the heavy statements, from the environment (docs/scaling.md): memory for
 * sorts and hashes (`work_mem`) and how long a write waits for a row lock (`lock_timeout`). A value
 * PostgreSQL would refuse falls back to the default with a warning, so that a typo never fails every
 * statement.
 */

const warned = new Set<string>();

function warnOnce(name: string, value: string, fallback: string) {
  if (warned.has(name)) return;
  warned.add(name);
  console.warn(`${name}=${JSON.stringify(value)} is not a memory size like 64MB; using ${fallback}`);
}

/** A `work_mem` value from `name` (e.g. `64MB`, `512kB`, `1GB`), or `fallback`. */
export function workMemSetting(name: string, fallback: string): string {
  const value = process.env[name]?.trim();
  if (!value) return fallback;
  const match = /^(\d{1,7})\s*(kB|MB|GB)?$/i.exec(value);
  if (!match) {
    warnOnce(name, value, fallback);
    return fallback;
  }
  const unit = match[2] ? { kb: "kB", mb: "MB", gb: "GB" }[match[2].toLowerCase()]! : "kB";
  return `${Number(match[1])}${unit}`;
}

/** A duration in milliseconds from `name` (whole, ≥ 0; 0 turns the timeout off), or `fallback`. */
export function msSetting(name: string, fallback: number): number {
  const n = Number(process.env[name]);
  return process.env[name] !== undefined && process.env[name] !== "" && Number.isInteger(n) && n >= 0 ? n : fallback;
}
