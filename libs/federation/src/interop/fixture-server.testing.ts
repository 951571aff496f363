import { generateCryptoKeyPair, signRequest } from '@fedify/fedify';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KeyObject } from 'node:crypto';
import type { Json } from './peer-rules.testing';

type KeyPair = Awaited<ReturnType<typeof generateCryptoKeyPair>>;

/** One implementation's documents as a fixture file holds them (see fixtures/README.md). */
export interface PeerFixture {
  implementation: string;
  /** The origin the documents were written for; it is rewritten to the loopback server's. */
  origin: string;
  /** Where each document's shape comes from (source file, documentation page or FEP). */
  sources: Record<string, string>;
  actor: Json;
  /** Inbound activities by purpose; `{{status}}` is replaced by a local status URI. */
  activities: Record<string, Json>;
  /** Further documents it serves (e.g. the account a `Move` points to), by their id. */
  documents?: Json[];
  /** JSON-LD contexts the peer serves itself (path → document), e.g. Pleroma's litepub. */
  contexts?: Record<string, Json>;
  /** Names of the peer-rules checks FediFlow's outbound documents must pass for this peer. */
  outboundRules: string[];
}

/**
 * A fixture's server on loopback: serves its actor (with a fresh RSA key in place of the
 * published one, so that it can sign) and records every POST to it (answering 202).
 */
export class FixtureServer {
  readonly received: { url: string; body: Json }[] = [];
  private readonly documents = new Map<string, string>();

  private constructor(
    private readonly server: Server,
    readonly origin: string,
    private readonly fixture: PeerFixture,
    private readonly privateKey: KeyPair['privateKey'],
    readonly actor: Json,
  ) {}

  static async start(fixture: PeerFixture): Promise<FixtureServer> {
    const keys = await generateCryptoKeyPair('RSASSA-PKCS1-v1_5');
    const holder: { self?: FixtureServer } = {};
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const self = holder.self!;
        const path = request.url ?? '/';
        if (request.method === 'POST') {
          self.received.push({ url: path, body: JSON.parse(Buffer.concat(chunks).toString()) });
          response.writeHead(202).end();
          return;
        }
        const document = self.documents.get(path.split('?')[0]!);
        response.writeHead(document ? 200 : 404, { 'content-type': 'application/activity+json' });
        response.end(document ?? '{}');
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const pem = KeyObject.from(keys.publicKey).export({ type: 'spki', format: 'pem' }).toString();
    const actor = rewrite(fixture.actor, fixture.origin, origin) as Json;
    (actor.publicKey as Json).publicKeyPem = pem;
    const self = new FixtureServer(server, origin, fixture, keys.privateKey, actor);
    self.documents.set(new URL(String(actor.id)).pathname, JSON.stringify(actor));
    // GoToSocial's key id is a path of its own (`/users/{name}/main-key`) that answers with
    // the actor's key stub; the others use a fragment of the actor's id.
    const keyPath = new URL(String((actor.publicKey as Json).id)).pathname;
    self.documents.set(keyPath, JSON.stringify(actor));
    for (const document of fixture.documents ?? []) {
      const moved = rewrite(document, fixture.origin, origin) as Json;
      if (moved.publicKey) (moved.publicKey as Json).publicKeyPem = pem;
      self.documents.set(new URL(String(moved.id)).pathname, JSON.stringify(moved));
    }
    for (const [path, context] of Object.entries(fixture.contexts ?? {})) {
      self.documents.set(path, JSON.stringify(context));
    }
    holder.self = self;
    return self;
  }

  get actorId(): string {
    return String(this.actor.id);
  }

  /** The fixture's activity `name`, on this server's origin, with `{{status}}` filled in. */
  activity(name: string, status = ''): Json {
    const activity = this.fixture.activities[name];
    if (!activity) throw new Error(`${this.fixture.implementation} has no "${name}" activity`);
    const text = JSON.stringify(rewrite(activity, this.fixture.origin, this.origin));
    const filled = JSON.parse(text.replaceAll('{{status}}', status)) as Json;
    // An Update of the actor embeds its document as it now is (renamed).
    if (filled.object === '{{actor}}') {
      const { '@context': _context, ...actor } = this.actor;
      filled.object = { ...actor, name: `${String(actor.name)} (updated)` };
    }
    return filled;
  }

  /** Also serve a document (e.g. a Note an Announce names by URI). */
  serve(document: Json): void {
    this.documents.set(new URL(String(document.id)).pathname, JSON.stringify(document));
  }

  /** A document the server serves (its actor, or one of the fixture's further documents), by id. */
  document(id: string): Json {
    const text = this.documents.get(new URL(id).pathname);
    if (!text) throw new Error(`${this.fixture.implementation} serves no ${id}`);
    return JSON.parse(text) as Json;
  }

  /**
   * A POST of `body` to `url`, signed draft-cavage, as they all sign, by the fixture's actor or
   * by another actor it serves (all of them share the server's key pair).
   */
  async signedPost(url: string, body: Json, signer: Json = this.actor): Promise<Request> {
    const request = new Request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/activity+json' },
      body: JSON.stringify(body),
    });
    const keyId = new URL(String((signer.publicKey as Json).id));
    return signRequest(request, this.privateKey, keyId, {
      spec: 'draft-cavage-http-signatures-12',
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Every string starting with `from` (the fixture's origin) moved to `to`. */
function rewrite(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string')
    return value.startsWith(from) ? to + value.slice(from.length) : value;
  if (Array.isArray(value)) return value.map((item) => rewrite(item, from, to));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, rewrite(item, from, to)]),
    );
  }
  return value;
}
