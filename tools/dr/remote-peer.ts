/**
 * A remote fediverse server on loopback for the drills: one actor (`remote`) whose document
 * carries its RSA key, a shared inbox that answers 202 and records which of FediFlow's statuses
 * were delivered to it, and signed `Create(Note)`s it sends to FediFlow's shared inbox.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNoteBody, remoteActorDocument } from '../bench/activity-documents.ts';
import { signedPostHeaders } from '../bench/http-signature.ts';

export class RemotePeer {
  /** Object ids of every `Create` delivered to this server (FediFlow's status URIs). */
  readonly deliveredObjects = new Set<string>();
  deliveries = 0;
  /** GETs of its actor document (key fetches by FediFlow). */
  actorFetches = 0;
  private sent = 0;

  private constructor(
    private readonly server: Server,
    readonly origin: string,
    private readonly privateKey: KeyObject,
    private readonly publicKeyPem: string,
  ) {}

  static async start(): Promise<RemotePeer> {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const holder: { peer?: RemotePeer } = {};
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => holder.peer!.answer(request.method, request.url, chunks, response));
    });
    server.keepAliveTimeout = 30_000;
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    holder.peer = new RemotePeer(server, `http://127.0.0.1:${port}`, privateKey, pem);
    return holder.peer;
  }

  get host(): string {
    return new URL(this.origin).host;
  }

  get actorId(): string {
    return `${this.origin}/users/remote`;
  }

  /** Columns of its row in FediFlow's `accounts` table (as a resolved remote account has). */
  get accountRow() {
    return {
      username: 'remote',
      domain: this.host,
      uri: this.actorId,
      url: `${this.origin}/@remote`,
      inboxUrl: `${this.actorId}/inbox`,
      sharedInboxUrl: `${this.origin}/inbox`,
    };
  }

  /** The URI of the note a `Create` sent by `sendNote(n)` carries. */
  noteUri(n: number): string {
    return `${this.actorId}/statuses/${n}`;
  }

  /** POSTs a signed public `Create(Note)` to `inboxUrl`; resolves to the HTTP status. */
  async sendNote(inboxUrl: string): Promise<{ status: number; uri: string }> {
    const n = ++this.sent;
    const published = new Date().toISOString();
    const uri = this.noteUri(n);
    const body = createNoteBody({
      actorId: this.actorId,
      noteUri: uri,
      content: `<p>Drill note ${n} from the remote server.</p>`,
      published,
    });
    const url = new URL(inboxUrl);
    const headers = signedPostHeaders({
      path: url.pathname,
      host: url.host,
      body,
      keyId: `${this.actorId}#main-key`,
      privateKey: this.privateKey,
    });
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    return { status: response.status, uri };
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private answer(
    method: string | undefined,
    url: string | undefined,
    chunks: Buffer[],
    response: import('node:http').ServerResponse,
  ): void {
    if (method === 'GET' && url === new URL(this.actorId).pathname) {
      this.actorFetches++;
      response.writeHead(200, { 'content-type': 'application/activity+json' });
      response.end(JSON.stringify(remoteActorDocument(this.origin, this.publicKeyPem)));
      return;
    }
    if (method === 'POST' && (url === '/inbox' || url === `/users/remote/inbox`)) {
      response.writeHead(202).end();
      this.deliveries++;
      try {
        const activity = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          type?: string;
          object?: string | { id?: string };
        };
        const object = typeof activity.object === 'string' ? activity.object : activity.object?.id;
        if (activity.type === 'Create' && object) this.deliveredObjects.add(object);
      } catch {
        // not JSON: counted, not recorded
      }
      return;
    }
    response.writeHead(404).end();
  }
}
