import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import proxy from "@/proxy";
import { isForeignActionPost } from "./action-origin";

const action = (headers: Record<string, string>, path = "/segments/dynamic") =>
  new NextRequest(`http://127.0.0.1:3000${path}`, { method: "POST", headers: { "next-action": "abc123", host: "127.0.0.1:3000", ...headers } });

describe("server action posts from another site", () => {
  it("are refused by the proxy with 403, on any page including sign-in", async () => {
    for (const path of ["/segments/dynamic", "/login"]) {
      const res = proxy(action({ origin: "https://evil.example" }, path));
      expect(res.status).toBe(403);
      expect(await res.text()).toBe("This request came from another site.");
    }
    expect(proxy(action({ origin: "null" })).status).toBe(403);
  });

  it("from this site pass (with or without a proxy's forwarded host), and other requests are untouched", () => {
    expect(isForeignActionPost(action({ origin: "http://127.0.0.1:3000" }))).toBe(false);
    expect(isForeignActionPost(action({ origin: "https://segments.example", "x-forwarded-host": "segments.example" }))).toBe(false);
    expect(isForeignActionPost(action({}))).toBe(false);
    expect(isForeignActionPost(new Request("http://127.0.0.1:3000/x", { method: "POST", headers: { origin: "https://evil.example" } }))).toBe(false);
    expect(proxy(action({ origin: "http://127.0.0.1:3000" })).status).toBe(200);
  });

  it("the sign-in page stays open without a session; other pages still send visitors to it", () => {
    expect(proxy(new NextRequest("http://127.0.0.1:3000/login")).status).toBe(200);
    const res = proxy(new NextRequest("http://127.0.0.1:3000/segments/dynamic"));
    expect(res.status).toBe(307);
    expect(res.headers.get("location")).toContain("/login?callbackUrl=%2Fsegments%2Fdynamic");
  });
});
