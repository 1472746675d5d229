/**
 * Hostile JSON for the fuzz tests: values that must be refused wherever they appear (NUL, lone
 * surrogates, `__proto__` keys, nesting past the limit) and values that are wrong in most places
 * (ids past 32 bits, fractions, huge numbers, long strings, wrong types, prototype-ish keys), placed
 * at a random spot of an otherwise valid input.
 */
import fc from "fast-check";

export type Hostile = { value: unknown; alwaysInvalid: boolean; label: string; /** The value as JSON text, when JSON.stringify could not write it (too deep). */ json?: string };

const DEEP = "\u0001hostile-json\u0001";

/** The body as JSON text; a too-deep hostile value is written from its own text. */
export function bodyText(body: unknown, hostile: Hostile): string {
  if (!hostile.json) return JSON.stringify(body);
  return JSON.stringify(body, (_key, value: unknown) => (value === hostile.value ? DEEP : value)).replace(JSON.stringify(DEEP), hostile.json);
}

/** A hostile value that fast-check reports by its label (printing 10,000 levels would overflow the stack). */
const h = (value: unknown, alwaysInvalid: boolean, label: string): Hostile => Object.assign({ value, alwaysInvalid, label }, { [fc.toStringMethod]: () => label });

/** An object whose own key is `__proto__` (as JSON.parse makes it), not a prototype change. */
export function withKey(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

const deepJson = (depth: number, array: boolean) => (array ? "[".repeat(depth) + "]".repeat(depth) : '{"a":'.repeat(depth) + "1" + "}".repeat(depth));
const deep = (depth: number, array: boolean) => JSON.parse(deepJson(depth, array));

const always: fc.Arbitrary<Hostile>[] = [
  fc.string({ maxLength: 20 }).map((s) => h(`${s}\u0000${s}`, true, "NUL")),
  fc.constantFrom("\ud800", "a\udfffb", "\udc00", "x\ud83d").map((value) => h(value, true, "lone surrogate")),
  fc.constant(null).map(() => h(withKey({}, "__proto__", { polluted: true }), true, "__proto__ key")),
  fc.constant(null).map(() => h(withKey({}, "a\u0000b", 1), true, "NUL key")),
  fc.tuple(fc.integer({ min: 40, max: 10_000 }), fc.boolean()).map(([depth, array]) => Object.assign(h(deep(depth, array), true, `nested ${depth}`), { json: deepJson(depth, array) })),
];

const maybe: fc.Arbitrary<Hostile>[] = [
  fc
    .constantFrom(2_147_483_648, 1e12, 9_007_199_254_740_993, 1e308, -1e308, -1, 0, 0.5, 1.0000001, -3.7, 4_294_967_296)
    .map((value) => h(value, false, `number ${value}`)),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => h(value, false, "double")),
  fc.integer({ min: 1001, max: 20_000 }).map((n) => h("x".repeat(n), false, `string of ${n}`)),
  fc.constantFrom<unknown>(null, true, false, [], {}, "", "1", "2147483648", "1e12", [1, "a", null], { a: [] }).map((value) => h(value, false, "wrong type")),
  fc.constantFrom("constructor", "prototype", "toString", "hasOwnProperty").map((key) => h(withKey({}, key, { x: 1 }), false, `${key} key`)),
  fc.string({ unit: "binary", maxLength: 40 }).map((value) => h(value, false, "string")),
];

export const hostileValue: fc.Arbitrary<Hostile> = fc.oneof({ arbitrary: fc.oneof(...always), weight: 1 }, { arbitrary: fc.oneof(...maybe), weight: 1 });

/** Every path in a JSON value (root first), as keys and indexes. */
export function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value)) value.forEach((item, i) => out.push(...pathsOf(item, [...prefix, i])));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
  return out;
}

export type Mutation = { body: unknown; path: (string | number)[]; hostile: Hostile; how: "replace" | "add key" };

/**
 * A copy of `valid` with one hostile change: the value at a path replaced, or (at an object) a key
 * added — a hostile key, or a hostile value under an ordinary new key.
 */
export function mutate(valid: unknown, pick: number, hostile: Hostile, addKey: boolean, skip: (path: (string | number)[]) => boolean = () => false): Mutation {
  const body = structuredClone(valid);
  const paths = pathsOf(body).filter((p) => !skip(p));
  const path = paths[pick % paths.length];
  const parent = path.length ? path.slice(0, -1).reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], body) : null;
  const at = path.length ? (parent as Record<string | number, unknown>)[path[path.length - 1]] : body;
  if (addKey && at && typeof at === "object" && !Array.isArray(at)) {
    const h = hostile.value;
    if (h && typeof h === "object" && !Array.isArray(h) && Object.keys(h).length === 1 && !hostile.json) {
      const [key] = Object.keys(h);
      withKey(at as Record<string, unknown>, key, (h as Record<string, unknown>)[key]);
      return { body, path: [...path, key], hostile, how: "add key" };
    }
    withKey(at as Record<string, unknown>, "fuzz_extra", h);
    return { body, path: [...path, "fuzz_extra"], hostile, how: "add key" };
  }
  if (!path.length) return { body: hostile.value, path, hostile, how: "replace" };
  withKey(parent as Record<string, unknown>, String(path[path.length - 1]), hostile.value);
  if (Array.isArray(parent)) (parent as unknown[])[path[path.length - 1] as number] = hostile.value;
  return { body, path, hostile, how: "replace" };
}

export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS) || 200;
