import type { InboxContext } from '@fedify/fedify';
import type { Social } from '@fediflow/social';
import type { DataSource } from 'typeorm';
import type { DomainBlocks } from '../domain-blocks';

/** What every inbox handler works with. */
export interface InboxDeps {
  db: DataSource;
  /** Every follow, notification, counter, favourite and reblog write (on `db`). */
  social: Social;
  /** Hosts whose activities are dropped and from which nothing is fetched. */
  domainBlocks?: Pick<DomainBlocks, 'isBlocked'>;
  /** Bound on each remote fetch made while handling an activity. */
  fetchTimeoutMs: number;
}

/** How a handler ended; `failed` (it threw) is added by the caller. */
export type HandlerOutcome = 'applied' | 'ignored' | 'blocked';

/** A fetch that would have gone to a blocked domain: refused before any request is made. */
export class BlockedDomainError extends Error {
  override readonly name = 'BlockedDomainError';
}

export async function isBlocked(deps: InboxDeps, url: URL): Promise<boolean> {
  return (await deps.domainBlocks?.isBlocked(url)) ?? false;
}

/**
 * Loaders for `getObject`/`getActor`/`lookupObject` while handling an activity: the inbox's signed
 * loader, refusing blocked domains and bounded in time, so a slow or blocked server cannot stall
 * or reach the worker.
 */
export function fetchOptions(deps: InboxDeps, ctx: InboxContext<void>) {
  const documentLoader: InboxContext<void>['documentLoader'] = async (url, options) => {
    if (await isBlocked(deps, new URL(url))) throw new BlockedDomainError(`${url} is blocked`);
    return ctx.documentLoader(url, {
      signal: options?.signal ?? AbortSignal.timeout(deps.fetchTimeoutMs),
    });
  };
  return { documentLoader, contextLoader: ctx.contextLoader };
}
