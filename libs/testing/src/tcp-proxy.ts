import { createServer, connect, type Server, type Socket } from 'node:net';

/** What the proxy does with traffic: forward it, drop connections at once, or swallow it. */
export type TcpProxyMode = 'forward' | 'refuse' | 'blackhole';

export interface TcpProxy {
  readonly port: number;
  /** Starts (or resumes) forwarding. */
  resume(): void;
  /** A lost server: open connections are reset and new ones are dropped at once. */
  cut(): void;
  /**
   * A server that vanished without a word (a network partition): open connections stay open but
   * nothing passes any more, and new connections are accepted and never answered.
   */
  blackhole(): void;
  /**
   * A failover: open connections are reset and new ones are forwarded, to `target` when given
   * (the promoted server; as a moved DNS name would send them) or to the same server.
   */
  reset(target?: { host: string; port: number }): void;
  close(): Promise<void>;
}

interface Link {
  client: Socket;
  upstream: Socket | undefined;
}

/**
 * Forwards a loopback port to `target`, so a test can make a server "appear" on an address a
 * service was already configured with, or fail it in the ways networks do (`cut`, `blackhole`).
 * Started `paused`, it holds the port (no other process can take it) while the server still
 * looks unreachable.
 */
export async function startTcpProxy(
  initialTarget: { host: string; port: number },
  options: { port?: number; paused?: boolean } = {},
): Promise<TcpProxy> {
  const links = new Set<Link>();
  let target = initialTarget;
  let mode: TcpProxyMode = options.paused ? 'refuse' : 'forward';

  const destroy = (link: Link) => {
    link.client.destroy();
    link.upstream?.destroy();
    links.delete(link);
  };
  const resetAll = () => {
    for (const link of [...links]) {
      link.client.resetAndDestroy();
      destroy(link);
    }
  };

  const server: Server = createServer((client) => {
    if (mode === 'refuse') {
      client.destroy();
      return;
    }
    const link: Link = { client, upstream: undefined };
    links.add(link);
    client.on('error', () => destroy(link));
    client.on('close', () => destroy(link));
    if (mode === 'blackhole') {
      client.resume(); // read and discard, never answer
      return;
    }
    const upstream = connect(target.port, target.host);
    link.upstream = upstream;
    upstream.on('error', () => destroy(link));
    upstream.on('close', () => destroy(link));
    // Data is forwarded only while forwarding: a black hole drops it in both directions.
    client.on('data', (chunk) => {
      if (mode === 'forward') upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (mode === 'forward') client.write(chunk);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : (options.port ?? 0),
    resume: () => {
      mode = 'forward';
    },
    cut: () => {
      mode = 'refuse';
      resetAll();
    },
    blackhole: () => {
      mode = 'blackhole';
    },
    reset: (next) => {
      if (next) target = next;
      mode = 'forward';
      resetAll();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const link of [...links]) destroy(link);
        server.close(() => resolve());
      }),
  };
}

const DEFAULT_PORTS: Record<string, number> = {
  'postgres:': 5432,
  'postgresql:': 5432,
  'redis:': 6379,
};

/**
 * A proxy in front of the server a `postgres://` or `redis://` URL names, and that URL pointed
 * through it (credentials, database and options kept): what a service under test is given so
 * the test can cut, blackhole or fail over the connection.
 */
export async function proxyInFront(
  serverUrl: string,
  options: { paused?: boolean } = {},
): Promise<{ proxy: TcpProxy; url: string }> {
  const url = new URL(serverUrl);
  const port = Number(url.port || DEFAULT_PORTS[url.protocol]);
  if (!port) throw new Error(`proxyInFront: no port in ${url.protocol} URL and no default`);
  const proxy = await startTcpProxy({ host: url.hostname, port }, options);
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  return { proxy, url: url.toString() };
}
