import type { KvStore, MessageQueue } from '@fedify/fedify';
import { inboundOrderingKey } from '@fediflow/federation';
import { CryptographicKey } from '@fedify/fedify/vocab';
import { context, propagation } from '@opentelemetry/api';
import { createHash, KeyObject, randomUUID, timingSafeEqual, verify } from 'node:crypto';
import { actorIds, header, type RawHeaders } from './inbox-request';
import type { InboxSignature } from './inbox-signature';

export interface InboxPost {
  /** The request target as received (path and query). */
  url: string;
  headers: RawHeaders;
  /** The bytes the digest covers. */
  body: Buffer;
  /** The body as the inbox screen parsed it. */
  activity: Record<string, unknown>;
  /** The Signature header as the route parsed it. */
  signature: InboxSignature;
}

export interface SignedInboxFastPathOptions {
  kv: KvStore;
  queue: MessageQueue;
  /** PUBLIC_ORIGIN: the base URL of the queued message, as Fedify sets it. */
  origin: string;
  /** Fedify's default `signatureTimeWindow`: a `Date` further than this from now is stale. */
  timeWindowMs?: number;
  now?: () => number;
}

/** Fedify's default KV prefix of the public keys it has fetched (`kvPrefixes.publicKey`). */
const FEDIFY_PUBLIC_KEY_PREFIX = ['_fedify', 'publicKey'] as const;
/** What a draft-cavage signature of a POST must cover to bind method, path, host, time and body. */
const REQUIRED_COVERAGE = ['(request-target)', 'host', 'date', 'digest'];
const KEY_CACHE_LIMIT = 10_000;

interface KnownKey {
  key: KeyObject;
  owner: string;
}

/**
 * The shared inbox's path for the common case, which is most of a server's inbound traffic:
 * a Mastodon-style draft-cavage RSA-SHA256 signature by the activity's own actor, whose key
 * Fedify has already fetched and cached. It checks what Fedify would (signature over
 * `(request-target) host date digest`, the `Date` window, the body's SHA-256 digest, signer =
 * actor) with node:crypto and a key imported once per process, then queues the activity as
 * Fedify's own inbox message, which the workers handle exactly as if Fedify had queued it.
 * Fedify parses the activity's JSON-LD on the web node for every request; this defers that to
 * the workers, which parse it anyway.
 *
 * Anything else — an RFC 9421 or hs2019 signature, a key not cached yet or rotated, a signature
 * that does not verify, a stale date, a digest mismatch, a signer other than the actor
 * (forwarded activities with Linked Data Signatures) — answers `false`, and the caller hands the
 * request to Fedify, which decides and answers with the reason. A `true` means queued.
 */
export class SignedInboxFastPath {
  private readonly keys = new Map<string, KnownKey>();
  private readonly timeWindowMs: number;
  private readonly now: () => number;

  constructor(private readonly options: SignedInboxFastPathOptions) {
    this.timeWindowMs = options.timeWindowMs ?? 60 * 60 * 1_000;
    this.now = options.now ?? Date.now;
  }

  async tryAccept(post: InboxPost): Promise<boolean> {
    const { headers, body, activity } = post;
    if (post.signature.scheme !== 'draft-cavage') return false;
    const params = post.signature.cavage;
    const keyId = params?.get('keyId');
    const signature = params?.get('signature');
    const covered = params?.get('headers')?.toLowerCase().split(/\s+/);
    const algorithm = params?.get('algorithm')?.toLowerCase() ?? 'rsa-sha256';
    if (!params || !keyId || !signature || !covered || algorithm !== 'rsa-sha256') return false;
    if (params.has('created') || params.has('expires')) return false;
    if (!REQUIRED_COVERAGE.every((name) => covered.includes(name))) return false;

    const date = Date.parse(header(headers, 'date') ?? '');
    if (!Number.isFinite(date) || Math.abs(this.now() - date) > this.timeWindowMs) return false;
    if (!digestMatches(header(headers, 'digest'), body)) return false;

    if (typeof activity['id'] !== 'string') return false;

    const known = await this.key(keyId);
    const actors = actorIds(activity);
    if (!known || actors.length !== 1 || actors[0] !== known.owner) return false;
    const signingString = covered
      .map((name) =>
        name === '(request-target)'
          ? `(request-target): post ${post.url}`
          : `${name}: ${header(headers, name) ?? ''}`,
      )
      .join('\n');
    const verified = verify(
      'sha256',
      Buffer.from(signingString),
      known.key,
      Buffer.from(signature, 'base64'),
    );
    if (!verified) {
      // Perhaps a rotated key: Fedify refetches it (and refreshes its cache) on the slow path.
      this.keys.delete(keyId);
      return false;
    }

    const traceContext: Record<string, string> = {};
    propagation.inject(context.active(), traceContext);
    // Fedify's InboxMessage (@fedify/fedify 2.3.6, pinned): what its inbox handler enqueues.
    const message = {
      type: 'inbox',
      id: randomUUID(),
      baseUrl: this.options.origin,
      activity,
      identifier: null,
      attempt: 0,
      started: new Date(this.now()).toISOString(),
      traceContext,
    };
    await this.options.queue.enqueue(message, { orderingKey: inboundOrderingKey(message) });
    return true;
  }

  /** The signer's RSA key as Fedify cached it (imported once here), or undefined. */
  private async key(keyId: string): Promise<KnownKey | undefined> {
    const cached = this.keys.get(keyId);
    if (cached) return cached;
    const stored = await this.options.kv.get([...FEDIFY_PUBLIC_KEY_PREFIX, keyId]);
    if (!stored) return undefined;
    let key: CryptographicKey;
    try {
      key = await CryptographicKey.fromJsonLd(stored);
    } catch {
      return undefined;
    }
    const owner = key.ownerId?.href;
    const publicKey = key.publicKey;
    if (!owner || !publicKey || key.id?.href !== keyId) return undefined;
    const imported = KeyObject.from(publicKey);
    if (imported.asymmetricKeyType !== 'rsa') return undefined;
    if (this.keys.size >= KEY_CACHE_LIMIT) this.keys.clear();
    const known = { key: imported, owner };
    this.keys.set(keyId, known);
    return known;
  }
}

function digestMatches(value: string | undefined, body: Buffer): boolean {
  if (!value) return false;
  const claimed = value
    .split(',')
    .map((entry) => /^\s*sha-256=(.+?)\s*$/i.exec(entry)?.[1])
    .find((digest) => digest !== undefined);
  if (!claimed) return false;
  const actual = createHash('sha256').update(body).digest();
  const expected = Buffer.from(claimed, 'base64');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
