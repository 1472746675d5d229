import { isIP } from "node:net";
import { normalizeAddress, parseTrustedProxies, type TrustedProxies } from "./trusted-proxies.mjs";

/**
 * Which address a request came from, for throttles and the Sessions page.
 *
 * `X-Forwarded-For` is whatever the client sent, so on its own it proves nothing. The app's server
 * (`scripts/serve.mjs`) appends the socket's peer address to it, as every proxy does; this module then
 * reads the chain from the right and skips only the proxies named in TRUSTED_PROXIES (comma-separated
 * addresses or CIDR ranges). The first address that is not a trusted proxy is the client: a header a
 * client made up sits to the left of it and is never read. With TRUSTED_PROXIES unset, the client is
 * the socket's peer.
 */

export { normalizeAddress, parseTrustedProxies, type TrustedProxies };

let cached: { source: string | undefined; trusted: TrustedProxies } | null = null;

/** TRUSTED_PROXIES from the environment (parsed once per value). */
export function trustedProxies(): TrustedProxies {
  const source = process.env.TRUSTED_PROXIES;
  if (!cached || cached.source !== source) cached = { source, trusted: parseTrustedProxies(source) };
  return cached.trusted;
}

/** The right-most address of an `X-Forwarded-For` chain that is not a trusted proxy. */
export function clientAddressFromChain(chain: string | null | undefined, trusted: TrustedProxies): string | null {
  const hops = (chain ?? "")
    .split(",")
    .map(normalizeAddress)
    .filter((hop) => hop.length > 0);
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!isIP(hops[i])) return null; // garbage from a hop we do not trust: stop, do not guess
    if (!trusted.has(hops[i])) return hops[i];
  }
  return hops[0] ?? null; // every hop is a trusted proxy: the left-most is as far as we can see
}

/** The client's address for a request that came through `scripts/serve.mjs`, or "unknown". */
export function clientAddress(headers: Headers, trusted = trustedProxies()): string {
  return clientAddressFromChain(headers.get("x-forwarded-for"), trusted) ?? "unknown";
}
