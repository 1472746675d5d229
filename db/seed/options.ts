/** The command line of `npm run db:seed` and the rules that decide whether a seed may run. Pure. */

export const DEFAULT_SEED = 1;
export const DEFAULT_PROFILES = 20_000;
/** Beyond this the embedded database (PGlite, wasm32) runs out of address space: see STACK.md. */
export const EMBEDDED_MAX_PROFILES = 200_000;
export const MAX_PROFILES = 10_000_000;
export const MIN_PROFILES = 10;

export type SeedArgs = { seed: number; profiles: number; reset: boolean; help: boolean };

export const seedUsage = `Usage: npm run db:seed -- [--seed N] [--profiles N] [--reset]

  --seed N       pseudo-random seed; the same seed gives the same data (default ${DEFAULT_SEED})
  --profiles N   profiles to create over both demo databases (default ${DEFAULT_PROFILES.toLocaleString("en")};
                 at most ${EMBEDDED_MAX_PROFILES.toLocaleString("en")} on the embedded database)
  --reset        delete all app data first (otherwise a database with users is left alone)

Seeds DATABASE_URL when it is set, the embedded database (.data/pglite, or PGLITE_DIR) otherwise.`;

type Parsed = { ok: true; args: SeedArgs } | { ok: false; message: string };

function wholeNumber(flag: string, text: string | undefined, min: number, max: number): number | string {
  const cleaned = text?.replace(/[_,]/g, "");
  if (cleaned === undefined || !/^\d+$/.test(cleaned)) return `${flag} needs a whole number, got ${text ?? "nothing"}`;
  const n = Number(cleaned);
  if (n < min || n > max) return `${flag} must be between ${min.toLocaleString("en")} and ${max.toLocaleString("en")}, got ${text}`;
  return n;
}

export function parseSeedArgs(argv: readonly string[]): Parsed {
  const args: SeedArgs = { seed: DEFAULT_SEED, profiles: DEFAULT_PROFILES, reset: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2);
    const value = () => (inline !== undefined ? inline : argv[++i]);
    if (flag === "--reset") args.reset = true;
    else if (flag === "--help" || flag === "-h") args.help = true;
    else if (flag === "--seed" || flag === "--profiles") {
      const parsed =
        flag === "--seed"
          ? wholeNumber(flag, value(), 0, 2_147_483_647)
          : wholeNumber(flag, value(), MIN_PROFILES, MAX_PROFILES);
      if (typeof parsed === "string") return { ok: false, message: parsed };
      if (flag === "--seed") args.seed = parsed;
      else args.profiles = parsed;
    } else return { ok: false, message: `Unknown option ${argv[i]}` };
  }
  return { ok: true, args };
}

export type SeedRequest = {
  driver: "postgres" | "pglite";
  profiles: number;
  reset: boolean;
  /** Users already in the database; any means it is in use. */
  existingUsers: number;
};

/** Whether `npm run db:seed` may go ahead, and if not, a sentence that says what to do instead. */
export function checkSeedRequest(request: SeedRequest): { ok: true } | { ok: false; message: string } {
  if (request.driver === "pglite" && request.profiles > EMBEDDED_MAX_PROFILES)
    return {
      ok: false,
      message:
        `The embedded database holds at most ${EMBEDDED_MAX_PROFILES.toLocaleString("en")} demo profiles ` +
        `(${request.profiles.toLocaleString("en")} asked). For more, use PostgreSQL: ` +
        `DATABASE_URL=postgres://user@host:5432/dbname npm run db:seed -- --profiles ${request.profiles}`,
    };
  if (request.existingUsers > 0 && !request.reset)
    return {
      ok: false,
      message:
        `This database already has data (${request.existingUsers} user${request.existingUsers === 1 ? "" : "s"}); ` +
        `nothing was changed. To delete all app data and seed again: npm run db:seed -- --reset`,
    };
  return { ok: true };
}
