import net from "node:net";

/**
 * A TCP proxy for fault tests: the app's database client connects through it to PostgreSQL, and the
 * test cuts every connection (what a restart or a network fault does to a client) without touching the
 * shared server. `down()` cuts and refuses new connections until `up()`.
 */
export type TcpProxy = {
  port: number;
  /** DATABASE_URL with the proxy's port. */
  url: (databaseUrl: string) => string;
  /** Closes every open connection; new ones are accepted. */
  cut: () => void;
  /** Closes every connection and refuses new ones (accepted and closed at once) until up(). */
  down: () => void;
  up: () => void;
  /** How many connections it has accepted. */
  connections: () => number;
  close: () => Promise<void>;
};

export async function startTcpProxy(target: { host: string; port: number } = { host: "127.0.0.1", port: 5432 }): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let refusing = false;
  let accepted = 0;
  const server = net.createServer((client) => {
    if (refusing) return client.destroy();
    accepted++;
    const upstream = net.connect(target.port, target.host);
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      open.add(a);
      a.on("error", () => b.destroy());
      a.on("close", () => (open.delete(a), b.destroy()));
      a.pipe(b);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  const cut = () => {
    for (const socket of open) socket.destroy();
    open.clear();
  };
  return {
    port,
    url: (databaseUrl) => {
      const u = new URL(databaseUrl);
      u.hostname = "127.0.0.1";
      u.port = String(port);
      return u.toString();
    },
    cut,
    down: () => {
      refusing = true;
      cut();
    },
    up: () => {
      refusing = false;
    },
    connections: () => accepted,
    close: async () => {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
