import { AppError, invalid } from "@/lib/errors";
import { locateJsonError } from "@/lib/segments/json-text";
import { jsonProblems } from "@/lib/validation/input";

/** Request bodies above this answer 413; batch endpoints raise it (see their routes). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export const tooLarge = (maxBytes: number) =>
  new AppError("payload_too_large", `The request body is larger than ${formatBytes(maxBytes)}. Send smaller batches.`);

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round(n / (1024 * 1024))} MB` : `${Math.round(n / 1024)} KB`;
}

/**
 * The body's text, read as a stream and stopped as soon as it passes `maxBytes` (a declared
 * Content-Length past the cap is refused before reading anything), so an oversized upload costs at most
 * the cap in memory.
 */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return new TextDecoder("utf-8", { fatal: false }).decode(Buffer.concat(chunks));
}

/**
 * The body as JSON: a syntax error answers 400 with its line and column; so does a value no schema
 * should have to walk (nested deeper than MAX_JSON_DEPTH, `__proto__` keys, NUL or lone surrogates),
 * with its path — before any recursive code sees it.
 */
export async function readJsonBody(request: Request, maxBytes = DEFAULT_MAX_BODY_BYTES): Promise<unknown> {
  const text = await readBodyText(request, maxBytes);
  if (text.trim() === "") throw invalid([{ path: "", message: "Send a JSON body." }], "The request has no body.");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const at = locateJsonError(text) ?? { line: 1, column: 1, message: "This is not valid JSON." };
    throw invalid([{ path: "", message: `Line ${at.line}, column ${at.column}: ${at.message}` }], "The body is not valid JSON.");
  }
  const problems = jsonProblems(value);
  if (problems.length) throw invalid(problems, "Some values cannot be accepted.");
  return value;
}
