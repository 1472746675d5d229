// Plain JavaScript on purpose: scripts/serve.mjs (the production server, run by plain `node`) and the
// app (lib/net/client-address.ts) share it. Types: trusted-proxies.d.mts.
import { BlockList, isIP } from "node:net";

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is 10.0.0.1; "[::1]:443" is ::1. */
export function normalizeAddress(value) {
  let text = String(value).trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1];
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(":"));
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(text);
  if (mapped) text = mapped[1];
  return isIP(text) === 6 ? text.toLowerCase() : text;
}

/** Parses TRUSTED_PROXIES (comma-separated addresses and CIDR ranges); a bad entry throws, saying which. */
export function parseTrustedProxies(value) {
  const list = new BlockList();
  let empty = true;
  for (const raw of String(value ?? "").split(",")) {
    const entry = raw.trim();
    if (!entry) continue;
    const [address, bits] = entry.split("/");
    const ip = normalizeAddress(address);
    const family = isIP(ip);
    const prefix = bits === undefined ? undefined : Number(bits);
    if (!family || (prefix !== undefined && (!/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128)))) {
      throw new Error(`TRUSTED_PROXIES: "${entry}" is not an IP address or a CIDR range (e.g. 10.0.0.0/8).`);
    }
    const type = family === 4 ? "ipv4" : "ipv6";
    if (prefix === undefined) list.addAddress(ip, type);
    else list.addSubnet(ip, prefix, type);
    empty = false;
  }
  return {
    empty,
    has(address) {
      const ip = normalizeAddress(address);
      const family = isIP(ip);
      return family !== 0 && list.check(ip, family === 4 ? "ipv4" : "ipv6");
    },
  };
}
