/**
 * The inbox benchmark's "remote server" on loopback: one actor whose document carries its RSA
 * public key (Fedify fetches it once, then reads it from its KV cache), and the distinct signed
 * `Create(Note)` activities that actor sends.
 */
import { once } from 'node:events';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNoteBody, remoteActorDocument } from './activity-documents.ts';
import { signedPostHeaders } from './http-signature.ts';

export interface SignedPost {
  headers: Record<string, string>;
  body: string;
}

export class RemoteActor {
  /** GETs of the actor document (Fedify's key fetches before its cache has the key). */
  actorFetches = 0;

  private constructor(
    private readonly server: Server,
    readonly origin: string,
    readonly privateKey: KeyObject,
    readonly publicKey: KeyObject,
  ) {}

  static async start(): Promise<RemoteActor> {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const holder: { actor?: RemoteActor } = {};
    const server = createServer((request, response) => {
      const actor = holder.actor!;
      if (request.method === 'GET' && request.url === new URL(actor.actorId).pathname) {
        actor.actorFetches++;
        response.writeHead(200, { 'content-type': 'application/activity+json' });
        response.end(JSON.stringify(actor.document()));
        return;
      }
      response.writeHead(404).end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    holder.actor = new RemoteActor(server, `http://127.0.0.1:${port}`, privateKey, publicKey);
    return holder.actor;
  }

  get actorId(): string {
    return `${this.origin}/users/remote`;
  }

  get keyId(): string {
    return `${this.actorId}#main-key`;
  }

  get publicKeyPem(): string {
    return this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  /** The actor document as Mastodon serves it (the parts a verifier reads). */
  document(): unknown {
    return remoteActorDocument(this.origin, this.publicKeyPem);
  }

  /** A public `Create(Note)` with its own ids (number `n`), as its JSON body. */
  createNote(n: number, published: string): string {
    return createNoteBody({
      actorId: this.actorId,
      noteUri: `${this.actorId}/statuses/${n}`,
      content: `<p>Benchmark note number ${n}: federation should keep up with a busy timeline.</p>`,
      published,
      url: `${this.origin}/@remote/${n}`,
    });
  }

  /**
   * `count` distinct activities, each signed for `POST path` to `host` (the same bytes go to
   * both servers, so both verify the very same signatures). RSA signing costs ≈ 0.4 ms each.
   */
  signedPosts(
    count: number,
    path: string,
    host: string,
    progress: (done: number) => void,
  ): SignedPost[] {
    const date = new Date();
    const published = date.toISOString();
    const posts: SignedPost[] = [];
    for (let n = 1; n <= count; n++) {
      const body = this.createNote(n, published);
      const headers = signedPostHeaders({
        path,
        host,
        body,
        keyId: this.keyId,
        privateKey: this.privateKey,
        date,
      });
      posts.push({ headers, body });
      if (n % 5_000 === 0) progress(n);
    }
    return posts;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
