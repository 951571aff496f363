import { UrlError, validatePublicUrl, type Context } from '@fedify/fedify';
import { isActor } from '@fedify/fedify/vocab';
import type { DataSource } from 'typeorm';
import type { ActorKeyStore } from './actor-keys';
import type { DomainBlocks } from './domain-blocks';
import type { FediflowFederation } from './fediflow-federation';
import { upsertRemoteActor } from './inbox';
import { instanceKeyPair } from './instance-actor';

/** What a member typed to find an account: `user`, `user@host` (`@`/`acct:` allowed) or a URL. */
export type AccountQuery =
  { kind: 'handle'; username: string; host: string | null } | { kind: 'url'; url: URL };

/** Thrown for a query that cannot name an account; the message says why. */
export class InvalidAccountQueryError extends Error {
  override readonly name = 'InvalidAccountQueryError';
}

/** As the `accounts.username` check: remote servers use dots and dashes too. */
const USERNAME = /^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;

export function parseAccountQuery(input: string): AccountQuery {
  const text = input.trim();
  if (/^https?:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new InvalidAccountQueryError(`"${input}" is not a valid URL`);
    }
    if (url.username || url.password) {
      throw new InvalidAccountQueryError('a URL with credentials names no account');
    }
    return { kind: 'url', url };
  }
  const handle = text.replace(/^acct:/i, '').replace(/^@/, '');
  const parts = handle.split('@');
  if (parts.length > 2) throw new InvalidAccountQueryError(`"${input}" is not user@domain`);
  const [username = '', host] = parts;
  if (!USERNAME.test(username) || username.length > 100) {
    throw new InvalidAccountQueryError(`"${username}" is not a valid username`);
  }
  if (host === undefined) return { kind: 'handle', username, host: null };
  return { kind: 'handle', username, host: parseHost(host, input) };
}

/** `host` or `host:port`, lower-cased; anything with a path, credentials or spaces is refused. */
function parseHost(host: string, input: string): string {
  let parsed: URL | undefined;
  try {
    parsed = /^[a-z0-9.:[\]-]+$/i.test(host) ? new URL(`https://${host}`) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || parsed.host !== host.toLowerCase() || parsed.pathname !== '/') {
    throw new InvalidAccountQueryError(`"${input}" does not name a valid domain`);
  }
  return parsed.host;
}

export type RemoteLookupFailure = 'blocked' | 'private_address' | 'not_found';

export interface RemoteLookupFailed {
  status: 'failed';
  reason: RemoteLookupFailure;
  /** Why, in words a member can read. */
  message: string;
}

export type RemoteLookupResult =
  /** The query names one of this instance's members (its own host, or one of its actor URIs). */
  | { status: 'local'; username: string }
  | { status: 'remote'; accountId: string }
  | RemoteLookupFailed;

export interface RemoteLookupOptions {
  federation: FediflowFederation;
  /** This instance's `PUBLIC_ORIGIN`. */
  origin: string;
  db: DataSource;
  keys: ActorKeyStore;
  domainBlocks: DomainBlocks;
  /** Tests and local development only (the SSRF guard off); also allows plain-http WebFinger. */
  allowPrivateAddress: boolean;
  /** Budget for the whole resolution (WebFinger and the actor fetch). */
  timeoutMs?: number;
  /** A stored copy younger than this is answered without asking its server (Mastodon: a day). */
  refreshAfterMs?: number;
}

export interface ResolveOptions {
  /** False (FEDERATION_ENABLED=false, anonymous searches): stored accounts only, no fetch. */
  fetch: boolean;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_REFRESH_AFTER_MS = 24 * 60 * 60 * 1000;

const ACTIVITY_JSON =
  /^application\/(activity\+json|ld\+json;\s*profile="https:\/\/www\.w3\.org\/ns\/activitystreams")/;

/** A query naming an account on another server. */
type RemoteQuery = { kind: 'handle'; username: string; host: string } | { kind: 'url'; url: URL };

interface StoredRow {
  id: string;
  fresh: boolean;
}

/**
 * Finds remote accounts as Mastodon's account lookup and search do: WebFinger for `user@host`,
 * then the actor document fetched with a request signed by the instance actor (servers in
 * authorised-fetch mode answer nothing unsigned), stored or refreshed as a remote account. Blocked
 * domains and, in production configuration, private and loopback addresses are never contacted;
 * every fetch shares one time budget. A stored copy is answered when it is fresh, and also when
 * its server cannot be reached.
 */
export class RemoteAccountResolver {
  private readonly ownHost: string;
  private readonly timeoutMs: number;
  private readonly refreshAfterMs: number;

  constructor(private readonly options: RemoteLookupOptions) {
    this.ownHost = new URL(options.origin).host.toLowerCase();
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.refreshAfterMs = options.refreshAfterMs ?? DEFAULT_REFRESH_AFTER_MS;
  }

  async resolve(query: AccountQuery, { fetch }: ResolveOptions): Promise<RemoteLookupResult> {
    const ctx = this.context();
    let remote: RemoteQuery;
    if (query.kind === 'handle') {
      if (query.host === null || query.host === this.ownHost) {
        return { status: 'local', username: query.username };
      }
      remote = { kind: 'handle', username: query.username, host: query.host };
    } else if (query.url.origin === new URL(this.options.origin).origin) {
      const parsed = ctx.parseUri(query.url);
      return parsed?.type === 'actor'
        ? { status: 'local', username: parsed.identifier }
        : notFound('no account has this URL here');
    } else {
      remote = query;
    }

    const host = remote.kind === 'handle' ? remote.host : remote.url.host;
    if (await this.options.domainBlocks.isBlocked(host)) return blocked(host);
    const stored = await this.stored(remote);
    if (stored && (stored.fresh || !fetch)) return { status: 'remote', accountId: stored.id };
    if (!fetch) return notFound('the account is not known here');

    const fetched = await this.fetch(ctx, remote);
    if (fetched.status === 'failed' && fetched.reason === 'not_found' && stored) {
      // Its server is unreachable or silent right now: the copy we have is still an answer.
      return { status: 'remote', accountId: stored.id };
    }
    return fetched;
  }

  private async fetch(ctx: Context<void>, query: RemoteQuery): Promise<RemoteLookupResult> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      let actorUrl: URL;
      if (query.kind === 'url') {
        actorUrl = query.url;
      } else {
        const found = await this.webFinger(ctx, query.username, query.host, signal);
        if (found.status === 'failed') return found;
        actorUrl = found.url;
      }
      const refused = await this.refused(actorUrl);
      if (refused) return refused;
      const documentLoader = ctx.getDocumentLoader(
        await instanceKeyPair(this.options.origin, this.options.keys),
      );
      const actor = await ctx.lookupObject(actorUrl.href, { documentLoader, signal });
      if (!actor || !isActor(actor) || !actor.id) {
        return notFound(`${actorUrl.href} is not an actor`);
      }
      // The document's id may sit on another host than the one asked (aliases).
      if (await this.options.domainBlocks.isBlocked(actor.id)) return blocked(actor.id.host);
      const accountId = await upsertRemoteActor(this.options.db, actor);
      return accountId
        ? { status: 'remote', accountId }
        : notFound(`${actorUrl.href} is not an actor`);
    } catch (error) {
      return notFound(
        signal.aborted
          ? 'the remote server did not answer in time'
          : `the remote server could not be read (${String(error)})`,
      );
    }
  }

  /** The actor URL WebFinger gives for `acct:username@host`. */
  private async webFinger(
    ctx: Context<void>,
    username: string,
    host: string,
    signal: AbortSignal,
  ): Promise<{ status: 'found'; url: URL } | RemoteLookupFailed> {
    const refused = await this.refused(new URL(`https://${host}/`));
    if (refused) return refused;
    const resource = `acct:${username}@${host}`;
    let jrd = await ctx.lookupWebFinger(resource, { signal });
    // Loopback test servers and local development speak plain http; production never falls back.
    if (!jrd && this.options.allowPrivateAddress && !signal.aborted) {
      jrd = await plainHttpWebFinger(host, resource, signal);
    }
    const self = jrd?.links?.find(
      (link) => link.rel === 'self' && !!link.href && ACTIVITY_JSON.test(link.type ?? ''),
    );
    if (!self?.href) return notFound(`WebFinger knows no ${username}@${host}`);
    try {
      return { status: 'found', url: new URL(self.href) };
    } catch {
      return notFound(`WebFinger gave no valid actor URL for ${username}@${host}`);
    }
  }

  /**
   * Fedify refuses private addresses itself when it fetches; asking first turns the refusal into
   * a reason a member can read instead of a silent miss.
   */
  private async refused(url: URL): Promise<RemoteLookupFailed | undefined> {
    if (!/^https?:$/.test(url.protocol)) return notFound(`${url.protocol} URLs are not fetched`);
    if (this.options.allowPrivateAddress) return undefined;
    try {
      await validatePublicUrl(url.href);
      return undefined;
    } catch (error) {
      if (!(error instanceof UrlError)) throw error;
      return {
        status: 'failed',
        reason: 'private_address',
        message: `${url.host} is a private or loopback address`,
      };
    }
  }

  private async stored(query: RemoteQuery): Promise<StoredRow | undefined> {
    const fresh = `(updated_at > now() - make_interval(secs => $1::double precision / 1000)) AS fresh`;
    const rows = (
      query.kind === 'handle'
        ? await this.options.db.query(
            `SELECT id::text AS id, ${fresh} FROM accounts
              WHERE lower(username) = lower($2) AND domain = $3`,
            [this.refreshAfterMs, query.username, query.host],
          )
        : await this.options.db.query(
            `SELECT id::text AS id, ${fresh} FROM accounts
              WHERE domain IS NOT NULL AND (uri = $2 OR url = $2)
              ORDER BY (uri = $2) DESC LIMIT 1`,
            [this.refreshAfterMs, query.url.href],
          )
    ) as StoredRow[];
    return rows[0];
  }

  private context(): Context<void> {
    return this.options.federation.createContext(new URL(this.options.origin), undefined);
  }
}

type Jrd = Awaited<ReturnType<Context<void>['lookupWebFinger']>>;

async function plainHttpWebFinger(host: string, resource: string, signal: AbortSignal) {
  const url = new URL(`http://${host}/.well-known/webfinger`);
  url.searchParams.set('resource', resource);
  try {
    const response = await fetch(url, {
      headers: { accept: 'application/jrd+json' },
      redirect: 'manual',
      signal,
    });
    return response.ok ? ((await response.json()) as Jrd) : null;
  } catch {
    return null;
  }
}

function notFound(message: string): RemoteLookupFailed {
  return { status: 'failed', reason: 'not_found', message };
}

function blocked(host: string): RemoteLookupFailed {
  return { status: 'failed', reason: 'blocked', message: `${host} is blocked by this server` };
}
