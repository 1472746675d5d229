// The production HTTP server: `next start`, plus honest forwarding headers. Plain JavaScript, run by
// plain `node` (no TypeScript loader in the serving process).
//
// Next.js itself only fills in X-Forwarded-For when the client sent none, so a made-up header would
// reach the app as the client's address and the socket's real peer would be lost. Here every request's
// chain gets the socket's peer appended, as a proxy does; lib/net/client-address.ts reads it from the
// right, believing only TRUSTED_PROXIES. The headers that say how the request arrived
// (X-Forwarded-Proto, -Host, -Port, X-Real-IP) are believed only from a trusted proxy.
//
// Usage: node scripts/serve.mjs [-p PORT] [-H HOST]   (run by `npm start` and the e2e server)
import { createServer } from "node:http";
import next from "next";
import { normalizeAddress, parseTrustedProxies } from "../lib/net/trusted-proxies.mjs";

function forwardHeaders(req, trusted) {
  const peer = normalizeAddress(req.socket.remoteAddress ?? "");
  const sent = req.headers["x-forwarded-for"];
  const chain = (Array.isArray(sent) ? sent.join(", ") : (sent ?? "")).trim();
  req.headers["x-forwarded-for"] = chain ? `${chain}, ${peer}` : peer;
  if (!trusted.has(peer)) {
    delete req.headers["x-forwarded-host"];
    delete req.headers["x-forwarded-port"];
    delete req.headers["x-real-ip"];
    req.headers["x-forwarded-proto"] = req.socket.encrypted ? "https" : "http";
  }
}

function argument(flag) {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main() {
  const port = Number(argument("-p") || process.env.PORT || 3000);
  const hostname = argument("-H"); // unset: every interface, as `next start`
  const trusted = parseTrustedProxies(process.env.TRUSTED_PROXIES); // a bad entry stops the start with its message
  const app = next({ dev: false, hostname, port, dir: process.cwd() });
  const handle = app.getRequestHandler();
  await app.prepare();
  createServer((req, res) => {
    forwardHeaders(req, trusted);
    void handle(req, res);
  }).listen(port, hostname, () => console.log(`Ready on http://${hostname ?? "localhost"}:${port}`));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
