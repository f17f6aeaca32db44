import net from "node:net";

/**
 * A TCP peer in front of a real server, whose behaviour a test switches: `forward` (a plain proxy),
 * `refuse` (the port is closed: connection refused), `silent` (accepts and never says a word — a hung
 * server; connections already open freeze too: nothing passes either way) or `drop` (accepts, then cuts
 * the connection after the first bytes from the client).
 */
export type TcpFault = "forward" | "refuse" | "silent" | "drop";

export interface TcpFaultPeer {
  readonly port: number;
  readonly mode: TcpFault;
  /** Switches behaviour for new connections; `refuse` closes the port, the others listen on it again. */
  set(mode: TcpFault): Promise<void>;
  /** Connections accepted so far (refused ones never arrive). */
  accepted: number;
  close(): Promise<void>;
}

export async function startTcpFaultPeer(target?: { host: string; port: number }): Promise<TcpFaultPeer> {
  const sockets = new Set<net.Socket>();
  let mode: TcpFault = target ? "forward" : "silent";
  let listening = false;

  const server = net.createServer((client) => {
    peer.accepted++;
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => client.destroy());
    if (mode === "silent") return;
    if (mode === "drop") {
      client.once("data", () => client.destroy());
      return;
    }
    if (!target) return;
    const upstream = net.connect(target.port, target.host);
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    // Byte by byte rather than pipe(), so that switching to `silent` freezes open connections as well.
    client.on("data", (chunk) => {
      if (mode === "forward") upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      if (mode === "forward") client.write(chunk);
    });
  });

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        listening = true;
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      if (!listening) return resolve();
      listening = false;
      server.close(() => resolve());
    });

  const port = await listen(0);
  const peer: TcpFaultPeer = {
    port,
    accepted: 0,
    get mode() {
      return mode;
    },
    async set(next) {
      mode = next;
      if (next === "refuse") await stop();
      else if (!listening) await listen(port);
    },
    close: stop,
  };
  return peer;
}
