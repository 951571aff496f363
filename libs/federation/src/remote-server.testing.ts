import { generateCryptoKeyPair, signRequest } from '@fedify/fedify';
import { CryptographicKey, Endpoints, Person } from '@fedify/fedify/vocab';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

type KeyPair = Awaited<ReturnType<typeof generateCryptoKeyPair>>;

/**
 * A remote fediverse server on loopback with one actor, `bob`, whose actor document carries his
 * RSA public key; his inbox records what arrives (202).
 */
export class RemoteServer {
  readonly received: ReceivedRequest[] = [];
  /** Extra JSON-LD documents served by path (GET), e.g. posts for fetch tests. */
  readonly documents = new Map<string, unknown>();
  /** Every GET (path with query, headers): what was fetched from this server. */
  readonly fetched: ReceivedRequest[] = [];
  private constructor(
    private readonly server: Server,
    readonly origin: string,
    readonly keys: KeyPair,
  ) {}

  static async start(): Promise<RemoteServer> {
    const keys = await generateCryptoKeyPair('RSASSA-PKCS1-v1_5');
    const holder: { remote?: RemoteServer } = {};
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        void holder
          .remote!.handle(request.method ?? 'GET', request.url ?? '/', request.headers, chunks)
          .then(([status, body]) => {
            response.writeHead(status, { 'content-type': 'application/activity+json' });
            response.end(body);
          })
          .catch(() => response.writeHead(500).end());
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    holder.remote = new RemoteServer(server, `http://127.0.0.1:${port}`, keys);
    return holder.remote;
  }

  get actorId(): URL {
    return new URL('/users/bob', this.origin);
  }

  get keyId(): URL {
    return new URL('/users/bob#main-key', this.origin);
  }

  get inbox(): URL {
    return new URL('/users/bob/inbox', this.origin);
  }

  /** Bob's request to `url` with `activity` as body, signed (draft-cavage) unless told not to. */
  async post(url: string, activity: unknown, options: { sign?: boolean } = {}): Promise<Request> {
    const request = new Request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/activity+json', accept: 'application/activity+json' },
      body: JSON.stringify(activity),
    });
    if (options.sign === false) return request;
    return signRequest(request, this.keys.privateKey, this.keyId, {
      spec: 'draft-cavage-http-signatures-12',
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(
    method: string,
    url: string,
    headers: IncomingHttpHeaders,
    chunks: Buffer[],
  ): Promise<[number, string]> {
    const body = Buffer.concat(chunks).toString();
    if (method === 'POST') {
      this.received.push({ method, url, headers, body });
      return [202, ''];
    }
    this.fetched.push({ method, url, headers, body });
    if (url.startsWith('/.well-known/webfinger?')) return this.webFinger(url);
    if (this.documents.has(url)) return [200, JSON.stringify(this.documents.get(url))];
    if (url === '/users/bob') {
      const person = new Person({
        id: this.actorId,
        preferredUsername: 'bob',
        name: 'Bob <script>alert(1)</script>',
        summary: '<p>Hello <b>there</b> &amp; <a href="javascript:x">click</a></p>',
        inbox: this.inbox,
        endpoints: new Endpoints({ sharedInbox: new URL('/inbox', this.origin) }),
        publicKey: new CryptographicKey({
          id: this.keyId,
          owner: this.actorId,
          publicKey: this.keys.publicKey,
        }),
      });
      return [200, JSON.stringify(await person.toJsonLd())];
    }
    return [404, '{}'];
  }

  /** WebFinger (plain http, as loopback allows) for `acct:bob@<this host>` only. */
  private webFinger(url: string): [number, string] {
    const resource = new URL(url, this.origin).searchParams.get('resource');
    if (resource !== `acct:bob@${new URL(this.origin).host}`) return [404, '{}'];
    const links = [{ rel: 'self', type: 'application/activity+json', href: this.actorId.href }];
    return [200, JSON.stringify({ subject: resource, links })];
  }
}
