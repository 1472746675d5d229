import { describe, expect, it } from "vitest";
import { clientAddress, clientAddressFromChain, normalizeAddress, parseTrustedProxies } from "./client-address";

const none = parseTrustedProxies(undefined);

describe("the client's address", () => {
  it("is the socket's peer (the right-most hop) when no proxy is trusted, whatever the client wrote", () => {
    // scripts/serve.ts appends the socket's peer to whatever X-Forwarded-For the client sent.
    expect(clientAddressFromChain("10.9.9.9, 203.0.113.5", none)).toBe("203.0.113.5");
    expect(clientAddressFromChain("1.1.1.1, 10.9.9.9, 203.0.113.5", none)).toBe("203.0.113.5");
    expect(clientAddressFromChain("203.0.113.5", none)).toBe("203.0.113.5");
  });

  it("rotating a made-up X-Forwarded-For always gives the same address", () => {
    const seen = new Set(Array.from({ length: 50 }, (_, i) => clientAddressFromChain(`10.9.${i}.${i}, 198.51.100.4`, none)));
    expect([...seen]).toEqual(["198.51.100.4"]);
  });

  it("behind a trusted proxy, is the right-most address that is not a trusted proxy", () => {
    const trusted = parseTrustedProxies("10.0.0.0/8, 192.168.1.10");
    expect(clientAddressFromChain("203.0.113.9, 10.1.2.3", trusted)).toBe("203.0.113.9");
    // A client that prepends a fake hop does not move the answer.
    expect(clientAddressFromChain("6.6.6.6, 203.0.113.9, 192.168.1.10, 10.1.2.3", trusted)).toBe("203.0.113.9");
    // A client that claims to be a trusted proxy itself is only trusted if it really is one.
    expect(clientAddressFromChain("10.5.5.5, 203.0.113.9", trusted)).toBe("203.0.113.9");
    // Garbage written by an untrusted party is never taken as an address.
    expect(clientAddressFromChain("not-an-ip, 10.1.2.3", trusted)).toBeNull();
  });

  it("reads IPv6 and IPv4-mapped peers, with ranges of either family", () => {
    expect(normalizeAddress("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(normalizeAddress("[2001:DB8::1]:443")).toBe("2001:db8::1");
    expect(normalizeAddress("10.0.0.1:8080")).toBe("10.0.0.1");
    const trusted = parseTrustedProxies("fd00::/8,127.0.0.1");
    expect(trusted.has("fd12::1")).toBe(true);
    expect(trusted.has("::ffff:127.0.0.1")).toBe(true);
    expect(trusted.has("2001:db8::1")).toBe(false);
    expect(clientAddressFromChain("2001:db8::1, fd12::1", trusted)).toBe("2001:db8::1");
  });

  it("refuses a TRUSTED_PROXIES entry that is not an address or a range", () => {
    expect(() => parseTrustedProxies("10.0.0.0/33")).toThrow(/TRUSTED_PROXIES: "10.0.0.0\/33"/);
    expect(() => parseTrustedProxies("proxy.internal")).toThrow(/not an IP address/);
    expect(parseTrustedProxies(" , ").empty).toBe(true);
  });

  it("never reads X-Real-IP, and says unknown without a chain", () => {
    expect(clientAddress(new Headers({ "x-real-ip": "10.9.9.9" }), none)).toBe("unknown");
    expect(clientAddress(new Headers({ "x-forwarded-for": "10.9.9.9, 198.51.100.4", "x-real-ip": "10.9.9.9" }), none)).toBe("198.51.100.4");
  });
});
