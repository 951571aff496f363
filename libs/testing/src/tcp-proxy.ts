import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** Starts forwarding; until then connections are accepted and dropped at once. */
  resume(): void;
  close(): Promise<void>;
}

/**
 * Forwards a loopback port to `target`, so a test can make a server "appear" on an address a
 * service was already configured with (or vanish again by closing the proxy). Started `paused`,
 * it holds the port (no other process can take it) while the server still looks unreachable.
 */
export async function startTcpProxy(
  target: { host: string; port: number },
  options: { port?: number; paused?: boolean } = {},
): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let forwarding = !options.paused;
  const server: Server = createServer((client) => {
    if (!forwarding) {
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : (options.port ?? 0),
    resume: () => {
      forwarding = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
