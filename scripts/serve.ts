import { createServer, type IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import next from "next";
import { normalizeAddress, trustedProxies } from "@/lib/net/client-address";

/**
 * The production HTTP server: `next start`, plus honest forwarding headers. Next.js itself only fills
 * in `X-Forwarded-For` when the client did not send one, so a made-up header would reach the app as
 * the client's address and the socket's real peer would be lost. Here every request's header chain
 * gets the socket's peer appended (as a proxy does); `lib/net/client-address.ts` reads it from the
 * right, believing only TRUSTED_PROXIES. Headers that say how the request arrived (`X-Forwarded-Proto`,
 * `-Host`, `-Port`, `X-Real-IP`) are believed only from a trusted proxy.
 *
 * Usage: tsx scripts/serve.ts [-p PORT] [-H HOST] (run by `npm start` and the e2e server).
 */

function forwardHeaders(req: IncomingMessage): void {
  const peer = normalizeAddress(req.socket.remoteAddress ?? "");
  const sent = req.headers["x-forwarded-for"];
  const chain = (Array.isArray(sent) ? sent.join(", ") : (sent ?? "")).trim();
  req.headers["x-forwarded-for"] = chain ? `${chain}, ${peer}` : peer;
  if (!trustedProxies().has(peer)) {
    delete req.headers["x-forwarded-host"];
    delete req.headers["x-forwarded-port"];
    delete req.headers["x-real-ip"];
    req.headers["x-forwarded-proto"] = (req.socket as TLSSocket).encrypted ? "https" : "http";
  }
}

function argument(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main() {
  const port = Number(argument("-p") || process.env.PORT || 3000);
  const hostname = argument("-H"); // unset: every interface, as `next start`
  trustedProxies(); // a bad TRUSTED_PROXIES stops the start with its message
  const app = next({ dev: false, hostname: hostname ?? "localhost", port, dir: process.cwd() });
  const handle = app.getRequestHandler();
  await app.prepare();
  createServer((req, res) => {
    forwardHeaders(req);
    void handle(req, res);
  }).listen(port, hostname, () => console.log(`Ready on http://${hostname ?? "localhost"}:${port}`));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
