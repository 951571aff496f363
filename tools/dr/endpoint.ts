/**
 * The database endpoint the services are configured with: a loopback TCP forwarder whose target
 * the drill can switch, standing in for what does this in production (the RDS endpoint's DNS
 * name, which AWS moves to the promoted instance; the DR secret already names the replica).
 * The services' DATABASE_URL never changes; after a switch their pg pools replace the broken
 * connections with new ones to the new target.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export class DatabaseEndpoint {
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private targetPort: number,
  ) {}

  static async start(targetPort: number): Promise<DatabaseEndpoint> {
    const holder: { endpoint?: DatabaseEndpoint } = {};
    const server = createServer((client) => holder.endpoint!.forward(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const address = server.address();
    if (!address || typeof address !== 'object') throw new Error('endpoint has no port');
    holder.endpoint = new DatabaseEndpoint(server, address.port, targetPort);
    return holder.endpoint;
  }

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** New connections go to `port`; open ones are cut (as a DNS move plus a dead host would). */
  switchTo(port: number): void {
    this.targetPort = port;
    for (const socket of this.sockets) socket.destroy();
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private forward(client: Socket): void {
    const upstream = connect(this.targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  }
}
