import { BlockList, isIP } from "node:net";

/**
 * Which address a request came from, for throttles and the Sessions page.
 *
 * `X-Forwarded-For` is whatever the client sent, so on its own it proves nothing. The app's server
 * (`scripts/serve.ts`) appends the socket's peer address to it, as every proxy does; this module then
 * reads the chain from the right and skips only the proxies named in TRUSTED_PROXIES (comma-separated
 * addresses or CIDR ranges). The first address that is not a trusted proxy is the client: a header a
 * client made up sits to the left of it and is never read. With TRUSTED_PROXIES unset, the client is
 * the socket's peer.
 */

export type TrustedProxies = { has(address: string): boolean; empty: boolean };

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is 10.0.0.1. */
export function normalizeAddress(value: string): string {
  let text = value.trim();
  // "[::1]:1234" and "10.0.0.1:1234" forms some proxies write.
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1];
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(":"));
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(text);
  if (mapped) text = mapped[1];
  return isIP(text) === 6 ? text.toLowerCase() : text;
}

/** Parses TRUSTED_PROXIES; entries that are neither an address nor a CIDR range are reported. */
export function parseTrustedProxies(value: string | undefined): TrustedProxies {
  const list = new BlockList();
  let empty = true;
  for (const raw of (value ?? "").split(",")) {
    const entry = raw.trim();
    if (!entry) continue;
    const [address, bits] = entry.split("/");
    const ip = normalizeAddress(address);
    const family = isIP(ip);
    const prefix = bits === undefined ? undefined : Number(bits);
    if (!family || (prefix !== undefined && (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)))) {
      throw new Error(`TRUSTED_PROXIES: "${entry}" is not an IP address or a CIDR range (e.g. 10.0.0.0/8).`);
    }
    const type = family === 4 ? "ipv4" : "ipv6";
    if (prefix === undefined) list.addAddress(ip, type);
    else list.addSubnet(ip, prefix, type);
    empty = false;
  }
  return {
    empty,
    has(address: string) {
      const ip = normalizeAddress(address);
      const family = isIP(ip);
      return family !== 0 && list.check(ip, family === 4 ? "ipv4" : "ipv6");
    },
  };
}

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

/** The client's address for a request that came through `scripts/serve.ts`, or "unknown". */
export function clientAddress(headers: Headers, trusted = trustedProxies()): string {
  return clientAddressFromChain(headers.get("x-forwarded-for"), trusted) ?? "unknown";
}
