import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the remote answers one POST: a status, or `hang` (never answer). */
export type RemoteAnswer = number | 'hang';

export interface ReceivedDelivery {
  path: string;
  body: string;
  headers: Record<string, string>;
  /** Fedify's second knock (RFC 9421, after a 4xx/5xx to the draft-cavage first one). */
  secondKnock: boolean;
}

/**
 * A remote inbox on loopback whose answers a test scripts: `answer` is asked for each delivery
 * attempt with how many came before (Fedify's second knock gets its first knock's answer).
 * Hanging requests are answered 202 by `release()`, or cut when the server closes.
 */
export class FaultyRemote {
  readonly received: ReceivedDelivery[] = [];
  answer: (index: number) => RemoteAnswer = () => 202;
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(host = '127.0.0.1'): Promise<FaultyRemote> {
    const holder: { remote?: FaultyRemote } = {};
    const server = createServer((request, response) => holder.remote!.handle(request, response));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    holder.remote = new FaultyRemote(server, `http://${host}:${port}`);
    return holder.remote;
  }

  /** Delivery attempts so far (first knocks). */
  get attempts(): number {
    return this.received.filter((request) => !request.secondKnock).length;
  }

  inbox(path = '/inbox'): URL {
    return new URL(path, this.origin);
  }

  /** Answers every hanging request with 202. */
  release(): void {
    for (const response of this.hanging) response.writeHead(202).end();
    this.hanging.clear();
  }

  close(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.hanging.clear();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const secondKnock = request.headers['signature-input'] !== undefined;
      const attempts = this.attempts;
      const answer = this.answer(secondKnock ? attempts - 1 : attempts);
      this.received.push({
        path: request.url ?? '/',
        body: Buffer.concat(chunks).toString(),
        headers: Object.fromEntries(
          Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
        ),
        secondKnock,
      });
      if (answer === 'hang') {
        this.hanging.add(response);
        response.on('close', () => this.hanging.delete(response));
        return;
      }
      response.writeHead(answer, { 'content-type': 'application/json' }).end('{}');
    });
  }
}
