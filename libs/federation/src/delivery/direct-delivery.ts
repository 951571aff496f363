import { createHash, createPrivateKey, type JsonWebKey, type KeyObject, sign } from 'node:crypto';
import { request } from 'undici';

/** The parts of Fedify's queued `OutboxMessage` a direct delivery needs. */
export interface QueuedDelivery {
  keys: readonly { keyId: string; privateKey: JsonWebKey }[];
  activity: unknown;
  activityId?: string;
  inbox: string;
  headers?: Record<string, string>;
  attempt: number;
}

export interface DirectDeliveryOptions {
  /** Origins that refused a direct delivery (4xx) get Fedify's own path for this long. */
  refusalMemoryMs?: number;
  now?: () => number;
}

const KEY_CACHE_SIZE = 1_000;
const BODY_CACHE_SIZE = 64;
const HOUR_MS = 60 * 60 * 1_000;

/**
 * The first attempt of an outgoing delivery, sent without Fedify's per-message work. Fedify
 * handles every queued delivery from scratch: it imports the sender's JWKs (RSA and Ed25519),
 * asks its KV store which signature spec the origin takes (and writes it back after a success),
 * serialises and digests the body, signs with WebCrypto and posts through `fetch`: ≈ 3 ms of CPU
 * per delivery, 3 s for a post to 1,000 servers. Here the key is imported once per member, the
 * body serialised and digested once per activity, the draft-cavage signature (what Fedify's first
 * knock sends: `firstKnock` is draft-cavage) made with node:crypto, and the request posted with
 * undici on the process's guarded dispatcher (`installOutboundHttp`).
 *
 * Only a 2xx answer counts: on anything else (an error status, a redirect, a transport error)
 * `send` resolves false and the caller hands the message to Fedify, which delivers it as before
 * (double knock, redirects, retries, permanent failures). So a delivery failing on its first
 * attempt is knocked once more than Fedify alone would; retries (attempt > 0) and origins that
 * refused a direct delivery lately (e.g. they want RFC 9421) go to Fedify straight away.
 */
export class DirectDelivery {
  private readonly keys = new Map<string, KeyObject>();
  /** Activity id → its serialised body and digest: every recipient gets the same document. */
  private readonly bodies = new Map<string, { body: Buffer; digest: string }>();
  private readonly refused = new Map<string, number>();
  private readonly refusalMemoryMs: number;
  private readonly now: () => number;

  constructor(options: DirectDeliveryOptions = {}) {
    this.refusalMemoryMs = options.refusalMemoryMs ?? HOUR_MS;
    this.now = options.now ?? Date.now;
  }

  /** True when the inbox acknowledged it (2xx); false when Fedify has to take the message. */
  async send(message: QueuedDelivery): Promise<boolean> {
    if (message.attempt > 0) return false;
    const rsa = message.keys.find((pair) => pair.privateKey.kty === 'RSA');
    if (!rsa) return false;
    const inbox = new URL(message.inbox);
    const refusedUntil = this.refused.get(inbox.origin);
    if (refusedUntil !== undefined) {
      if (this.now() < refusedUntil) return false;
      this.refused.delete(inbox.origin);
    }
    const { body, digest } = this.bodyOf(message);
    const headers: Record<string, string> = {
      ...lowerCased(message.headers ?? {}),
      'content-type': 'application/activity+json',
      date: new Date(this.now()).toUTCString(),
      digest,
      host: inbox.host,
    };
    headers['signature'] = await signature(rsa.keyId, this.keyOf(rsa), inbox, headers);
    let status: number;
    try {
      const response = await request(inbox, { method: 'POST', headers, body });
      status = response.statusCode;
      await response.body.dump();
    } catch {
      return false;
    }
    if (status >= 200 && status < 300) return true;
    if (status >= 400 && status < 500) this.remember(inbox.origin);
    return false;
  }

  private keyOf(pair: { keyId: string; privateKey: JsonWebKey }): KeyObject {
    const cacheKey = `${pair.keyId}\n${pair.privateKey.d}`;
    let key = this.keys.get(cacheKey);
    if (!key) {
      key = createPrivateKey({ key: pair.privateKey, format: 'jwk' });
      bounded(this.keys, KEY_CACHE_SIZE).set(cacheKey, key);
    }
    return key;
  }

  private bodyOf(message: QueuedDelivery): { body: Buffer; digest: string } {
    const cached = message.activityId ? this.bodies.get(message.activityId) : undefined;
    if (cached) return cached;
    const body = Buffer.from(JSON.stringify(message.activity));
    const entry = { body, digest: `SHA-256=${createHash('sha256').update(body).digest('base64')}` };
    if (message.activityId) bounded(this.bodies, BODY_CACHE_SIZE).set(message.activityId, entry);
    return entry;
  }

  private remember(origin: string): void {
    bounded(this.refused, KEY_CACHE_SIZE).set(origin, this.now() + this.refusalMemoryMs);
  }
}

/**
 * A draft-cavage `Signature` over `(request-target)` and every header, in name order: what
 * Fedify's `signRequestDraft` covers (its Headers iterate sorted), so verifiers see the same.
 * RSA signing is most of a delivery's CPU (≈ 0.4–1.4 ms here): it runs on libuv's thread pool,
 * so a worker with more than one core signs in parallel while its main thread does the I/O.
 */
async function signature(
  keyId: string,
  key: KeyObject,
  inbox: URL,
  headers: Record<string, string>,
): Promise<string> {
  const names = Object.keys(headers).sort();
  const lines = [
    `(request-target): post ${inbox.pathname}`,
    ...names.map((name) => `${name}: ${headers[name]!.trim()}`),
  ];
  const signed = await new Promise<string>((resolve, reject) =>
    sign('sha256', Buffer.from(lines.join('\n')), key, (error, bytes) =>
      error ? reject(error) : resolve(bytes.toString('base64')),
    ),
  );
  return (
    `keyId="${keyId}",algorithm="rsa-sha256",` +
    `headers="${['(request-target)', ...names].join(' ')}",signature="${signed}"`
  );
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
}

/** `map` with its oldest entry dropped when it is full (insertion order). */
function bounded<K, V>(map: Map<K, V>, size: number): Map<K, V> {
  if (map.size >= size) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  return map;
}
