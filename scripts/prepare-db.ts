import { checkEnvironment } from "@/lib/env";
import { ensureAuthSecret } from "./lib/env";
import { prepareDatabase } from "./lib/prepare";

// `npm run dev` and `npm run db:migrate`: migrations (and the first-run seed unless --no-seed).
ensureAuthSecret();
checkEnvironment();
prepareDatabase({ seed: !process.argv.includes("--no-seed") }).catch(() => process.exit(1));
