/**
 * Patches postgres.js 3.4.9 (run by `postinstall`): when a connection closes while a small write is
 * still scheduled (setImmediate), `nextWrite` calls `socket.write` on a null socket and throws from a
 * timer — an uncaught exception that ends the server process. It happens whenever the database goes
 * away under a transaction: the rollback is written to the dead connection (porsager/postgres#1208,
 * #1154, fixes proposed in #1168/#1209, unreleased). The guard rejects the pending queries with
 * CONNECTION_CLOSED instead, and `closed()` drops the dead socket's write buffer and timer, so that
 * the reconnected connection can write again. Idempotent; files are replaced (not edited in place),
 * so hard-linked copies elsewhere are left alone. Remove once postgres.js ships the fix.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.join(process.cwd(), "node_modules", "postgres");
const MARK = "/* patched: guarded nextWrite (porsager/postgres#1208) */";
const edits = [
  [
    "  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)",
    `  function nextWrite(fn) {\n    ${MARK}\n    if (!socket) {\n      nextWriteTimer !== null && clearImmediate(nextWriteTimer)\n      chunk = nextWriteTimer = null\n      error(Errors.connection('CONNECTION_CLOSED', options))\n      return false\n    }\n    const x = socket.write(chunk, fn)`,
  ],
  [
    "    clearImmediate(nextWriteTimer)\n    socket.removeListener('data', data)",
    "    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    socket.removeListener('data', data)",
  ],
];

if (!existsSync(path.join(root, "package.json"))) process.exit(0);
const { version } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
for (const dir of ["src", "cjs/src", "cf/src"]) {
  const file = path.join(root, dir, "connection.js");
  if (!existsSync(file)) continue;
  let text = readFileSync(file, "utf8");
  if (text.includes(MARK)) continue;
  if (!edits.every(([from]) => text.split(from).length === 2)) {
    console.warn(`patch-postgres: postgres ${version} ${dir}/connection.js is not the expected code; not patched (see scripts/patch-postgres.mjs).`);
    continue;
  }
  for (const [from, to] of edits) text = text.replace(from, to);
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}
