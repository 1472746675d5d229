/**
 * A throwaway PostgreSQL primary with a streaming standby, made with this machine's own server
 * (Debian's postgresql-common: pg_createcluster, pg_basebackup -R) on spare ports — never the shared
 * cluster on 5432. For the read replica tests; `drop()` removes both clusters.
 *
 * Runs as root (clusters are then owned by `postgres`, and pg_basebackup runs as `postgres` through
 * runuser) or as the postgres user itself.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { appendFile, chmod, chown, copyFile, mkdir, rm, stat } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import postgres from "postgres";

const exec = promisify(execFile);

/** Why clusters cannot be made here, or null when they can. */
export function clusterToolsMissing(): string | null {
  const onPath = (tool: string) => (process.env.PATH ?? "").split(":").some((dir) => dir && existsSync(path.join(dir, tool)));
  if (!onPath("pg_createcluster")) return "pg_createcluster is not installed (Debian/Ubuntu package postgresql-common)";
  if (!serverVersion()) return "no PostgreSQL server under /usr/lib/postgresql";
  return null;
}

/** The newest PostgreSQL server installed (Debian layout), e.g. "15". */
function serverVersion(): string | null {
  if (process.env.PG_CLUSTER_VERSION) return process.env.PG_CLUSTER_VERSION;
  try {
    const versions = readdirSync("/usr/lib/postgresql").filter((v) => /^\d+$/.test(v) && existsSync(`/usr/lib/postgresql/${v}/bin/postgres`));
    return versions.sort((a, b) => Number(b) - Number(a))[0] ?? null;
  } catch {
    return null;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function run(command: string, args: string[], asPostgres = false): Promise<string> {
  const root = process.getuid?.() === 0;
  const [cmd, argv] = asPostgres && root ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
  try {
    const { stdout } = await exec(cmd, argv, { timeout: 90_000 });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${cmd} ${argv.join(" ")} failed: ${e.stderr?.trim() || e.message}`);
  }
}

export type StreamingPair = {
  version: string;
  primaryPort: number;
  standbyPort: number;
  url: (server: "primary" | "standby", database: string) => string;
  /** One statement on a server's `postgres` database (admin work: pausing replay, CREATE DATABASE). */
  admin: (server: "primary" | "standby", statement: string) => Promise<Record<string, unknown>[]>;
  stopStandby: () => Promise<void>;
  drop: () => Promise<void>;
};

// Small and fast: a test server, so no fsync, little memory. Replication as PostgreSQL 15 ships it.
const SETTINGS = `
# replica tests
listen_addresses = '127.0.0.1'
wal_level = replica
max_wal_senders = 4
hot_standby = on
fsync = off
shared_buffers = 16MB
max_connections = 40
`;

const HBA = `
host all all 127.0.0.1/32 trust
host replication all 127.0.0.1/32 trust
`;

/** Creates a primary, starts it, and a streaming standby of it (pg_basebackup -R); waits until the standby answers. */
export async function createStreamingPair(prefix = "segrepl"): Promise<StreamingPair> {
  const version = serverVersion();
  if (!version) throw new Error("no PostgreSQL server installed");
  const name = `${prefix}_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const primary = `${name}_p`;
  const standby = `${name}_r`;
  const [primaryPort, standbyPort] = [await freePort(), await freePort()];
  const etc = (cluster: string) => `/etc/postgresql/${version}/${cluster}`;
  const standbyDir = `/var/lib/postgresql/${version}/${standby}`;
  const made: string[] = [];

  const stopCluster = (cluster: string) =>
    run("pg_ctlcluster", ["--skip-systemctl-redirect", version, cluster, "stop", "-m", "immediate"]).then(
      () => undefined,
      () => undefined,
    );
  const drop = async () => {
    for (const cluster of [...made].reverse()) {
      await stopCluster(cluster);
      await run("pg_dropcluster", [version, cluster]).catch(() => undefined);
    }
    await rm(standbyDir, { recursive: true, force: true });
    await rm(etc(standby), { recursive: true, force: true });
  };

  try {
    made.push(primary);
    await run("pg_createcluster", [version, primary, "-p", String(primaryPort), "--", "--auth=trust", "--no-sync"]);
    await appendFile(path.join(etc(primary), "postgresql.conf"), SETTINGS);
    await appendFile(path.join(etc(primary), "pg_hba.conf"), HBA);
    await run("pg_ctlcluster", ["--skip-systemctl-redirect", version, primary, "start"]);

    // The standby's data directory is a base backup of the primary (-R writes standby.signal and
    // primary_conninfo); pg_createcluster then adopts it with the primary's configuration files.
    made.push(standby);
    await mkdir(standbyDir, { recursive: true });
    const owner = await stat(`/var/lib/postgresql/${version}/${primary}`); // the postgres user
    await chown(standbyDir, owner.uid, owner.gid);
    await chmod(standbyDir, 0o700);
    await run("pg_basebackup", ["-h", "127.0.0.1", "-p", String(primaryPort), "-U", "postgres", "-D", standbyDir, "-R", "-X", "stream", "-c", "fast"], true);
    for (const file of ["postgresql.conf", "pg_hba.conf", "pg_ident.conf"]) {
      await copyFile(path.join(etc(primary), file), path.join(standbyDir, file));
      await chown(path.join(standbyDir, file), owner.uid, owner.gid);
    }
    await run("pg_createcluster", [version, standby, "-p", String(standbyPort), "-d", standbyDir]);
    await run("pg_ctlcluster", ["--skip-systemctl-redirect", version, standby, "start"]);
  } catch (error) {
    await drop();
    throw error;
  }

  const url = (server: "primary" | "standby", database: string) =>
    `postgres://postgres@127.0.0.1:${server === "primary" ? primaryPort : standbyPort}/${database}`;
  const admin = async (server: "primary" | "standby", statement: string) => {
    const sql = postgres(url(server, "postgres"), { max: 1, onnotice: () => {}, connect_timeout: 5 });
    try {
      return [...(await sql.unsafe(statement))] as Record<string, unknown>[];
    } finally {
      await sql.end();
    }
  };
  // The standby accepts connections once it reached a consistent state.
  for (let i = 0; ; i++) {
    try {
      const [row] = await admin("standby", "select pg_is_in_recovery() as standby");
      if (row.standby === true) break;
    } catch (error) {
      if (i > 120) {
        await drop();
        throw error;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { version, primaryPort, standbyPort, url, admin, stopStandby: () => stopCluster(standby), drop };
}
