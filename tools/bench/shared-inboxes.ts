/**
 * The fan-out benchmark's remote servers: `count` small node:http servers on loopback (one port
 * each, so each is its own host to Fedify), each a shared inbox at `/inbox` that answers 202 and
 * notes when it acknowledged which activity. Signatures are not verified (the inbox benchmark
 * covers verification); what is measured is the sender.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Deliveries of one post, keyed by its Note's id. */
export interface Arrivals {
  hosts: Set<string>;
  deliveries: number;
  /** `performance.now()` when the first and the latest 202 were written. */
  first: number;
  last: number;
}

export class SharedInboxes {
  readonly byNote = new Map<string, Arrivals>();
  /** Requests that were not a POST of an activity with an object id (should stay 0). */
  unexpected = 0;
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly servers: Server[]) {}

  static async start(count: number): Promise<SharedInboxes> {
    const holder: { inboxes?: SharedInboxes } = {};
    const servers = await Promise.all(
      Array.from({ length: count }, async () => {
        const server = createServer((request, response) => {
          const chunks: Buffer[] = [];
          request.on('data', (chunk: Buffer) => chunks.push(chunk));
          request.on('end', () => {
            response.writeHead(202).end();
            holder.inboxes!.record(request.headers.host ?? '', request.method, chunks);
          });
        });
        // Fedify keeps connections alive per origin; plenty of headroom for them.
        server.keepAliveTimeout = 30_000;
        server.listen(0, '127.0.0.1');
        await once(server, 'listening');
        return server;
      }),
    );
    holder.inboxes = new SharedInboxes(servers);
    return holder.inboxes;
  }

  /** `127.0.0.1:<port>` of every server: the followers' domains. */
  get hosts(): string[] {
    return this.servers.map((server) => `127.0.0.1:${(server.address() as AddressInfo).port}`);
  }

  /** The arrivals of `noteId` once every host has acknowledged it, or what came by the timeout. */
  async waitForAll(noteId: string, timeoutMs: number): Promise<Arrivals | undefined> {
    const done = () => (this.byNote.get(noteId)?.hosts.size ?? 0) >= this.servers.length;
    const deadline = performance.now() + timeoutMs;
    while (!done() && performance.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(wake, 100);
        function wake() {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.add(wake);
      });
      this.waiters.clear();
    }
    return this.byNote.get(noteId);
  }

  async close(): Promise<void> {
    await Promise.all(
      this.servers.map((server) => {
        server.closeAllConnections();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      }),
    );
  }

  private record(host: string, method: string | undefined, chunks: Buffer[]): void {
    const now = performance.now();
    let noteId: string | undefined;
    try {
      const activity = JSON.parse(Buffer.concat(chunks).toString()) as {
        object?: string | { id?: string };
      };
      noteId = typeof activity.object === 'string' ? activity.object : activity.object?.id;
    } catch {
      noteId = undefined;
    }
    if (method !== 'POST' || !noteId) {
      this.unexpected++;
      return;
    }
    const arrivals = this.byNote.get(noteId) ?? {
      hosts: new Set<string>(),
      deliveries: 0,
      first: now,
      last: now,
    };
    arrivals.hosts.add(host);
    arrivals.deliveries++;
    arrivals.last = now;
    this.byNote.set(noteId, arrivals);
    for (const wake of this.waiters) wake();
  }
}
