/**
 * A server action must be posted from this site. Next.js refuses a foreign `Origin` itself, but by
 * throwing — a 500; `proxy.ts` answers 403 first. The host compared is the one Next.js compares
 * (`X-Forwarded-Host`, else `Host`): a page on another site cannot set either on a visitor's request.
 * Edge-safe (the proxy runs it).
 */
export function isForeignActionPost(request: Request): boolean {
  if (request.method !== "POST" || !request.headers.has("next-action")) return false;
  const origin = request.headers.get("origin");
  if (origin === null) return false; // not sent by browsers' cross-site posts; Next.js decides
  const host = (request.headers.get("x-forwarded-host") ?? request.headers.get("host") ?? "").split(",")[0].trim().toLowerCase();
  try {
    return new URL(origin).host.toLowerCase() !== host;
  } catch {
    return true; // "null" (sandboxed frames, some redirects) or garbage
  }
}
