/**
 * The seed of a fast-check test, used by every one of them: `FC_SEED` when set (to rerun a failure, or
 * to try other cases), otherwise the pinned `CI_SEED` under CI, so that CI's verdict does not depend on
 * luck, and a fresh one on a developer's machine, so that runs there keep exploring. It is printed
 * either way, and a failing test names it.
 */
export const CI_SEED = 20_261_206;

export function fcSeed(test: string, env: Record<string, string | undefined> = process.env): number {
  const given = env.FC_SEED?.trim();
  let seed: number;
  if (given) {
    if (!/^-?\d{1,10}$/.test(given) || Math.abs(Number(given)) >= 2 ** 31) throw new Error(`FC_SEED must be an integer between -2147483647 and 2147483647, not "${given}".`);
    seed = Number(given);
  } else {
    seed = env.CI ? CI_SEED : Math.floor(Math.random() * 2 ** 31);
  }
  console.log(`${test}: FC_SEED=${seed}`);
  return seed;
}
