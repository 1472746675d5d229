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
  /** Closes every connection and stops listening (connections are refused, as by a stopped server) until up(). */
  down: () => Promise<void>;
  up: () => Promise<void>;
  /** How many connections it has accepted. */
  connections: () => number;
  close: () => Promise<void>;
};

export async function startTcpProxy(target: { host: string; port: number } = { host: "127.0.0.1", port: 5432 }): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((client) => {
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
  const listen = (port: number) => new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", () => (server.off("error", reject), resolve())));
  const stop = () => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  await listen(0);
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
    down: async () => {
      const stopped = stop();
      cut();
      await stopped;
    },
    up: () => (server.listening ? Promise.resolve() : listen(port)),
    connections: () => accepted,
    close: async () => {
      const stopped = stop();
      cut();
      await stopped;
    },
  };
}
