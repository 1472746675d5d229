/** A value the seed itself inserted a moment ago; its absence is a bug in the seed, not bad input. */
export function mustGet<K, V>(map: ReadonlyMap<K, V>, key: K): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`seed: nothing inserted for ${String(key)}`);
  return value;
}
