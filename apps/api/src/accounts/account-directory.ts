import { Inject, Injectable, Module } from '@nestjs/common';
import { APP_CONFIG, type ApiConfig } from '@fediflow/config';
import {
  FederationCoreModule,
  FederationRuntime,
  InvalidAccountQueryError,
  parseAccountQuery,
  RemoteAccountResolver,
  type AccountQuery,
} from '@fediflow/federation';
import { DataSource } from 'typeorm';
import { ApiError, ErrorCode } from '../common/api-error';
import { AccountViewsModule } from './account-views.module';
import { AccountView, type AccountRow } from './account.view';

/**
 * Accounts by handle or URL, local or remote: the API side of account lookup and search. Remote
 * resolution (WebFinger, a signed actor fetch, the stored copy) lives in `@fediflow/federation`;
 * with FEDERATION_ENABLED=false only accounts already stored here are found.
 */
@Injectable()
export class AccountDirectory {
  private readonly resolver: RemoteAccountResolver;

  constructor(
    runtime: FederationRuntime,
    db: DataSource,
    private readonly view: AccountView,
    @Inject(APP_CONFIG) private readonly config: ApiConfig,
  ) {
    this.resolver = new RemoteAccountResolver({
      federation: runtime.federation,
      origin: runtime.origin,
      db,
      keys: runtime.keys,
      domainBlocks: runtime.domainBlocks,
      allowPrivateAddress: config.FEDERATION_ALLOW_PRIVATE_ADDRESSES,
    });
  }

  /**
   * `accounts/lookup`: `user` (local), `user@host` or `@user@host`, resolved remotely when not
   * stored or stale. A malformed acct is a 422 naming the problem; every miss is a 404.
   */
  async lookup(acct: string): Promise<AccountRow> {
    const query = parseQuery(acct);
    if (query.kind === 'url') throw ApiError.invalid('acct', 'must be username or username@domain');
    const result = await this.find(query, true);
    if ('row' in result) return result.row;
    throw new ApiError(ErrorCode.NotFound, `Account not found: ${result.reason}`);
  }

  /**
   * Search's `resolve=true`: the account a handle or actor URL names, fetched if need be; nothing
   * (never an error) when the query names no account.
   */
  async resolve(q: string, fetch: boolean): Promise<AccountRow | undefined> {
    let query: AccountQuery;
    try {
      query = parseAccountQuery(q);
    } catch (error) {
      if (error instanceof InvalidAccountQueryError) return undefined;
      throw error;
    }
    // A bare word is a search term, not a handle.
    if (query.kind === 'handle' && query.host === null) return undefined;
    const result = await this.find(query, fetch);
    return 'row' in result ? result.row : undefined;
  }

  private async find(
    query: AccountQuery,
    fetch: boolean,
  ): Promise<{ row: AccountRow } | { reason: string }> {
    const result = await this.resolver.resolve(query, {
      fetch: fetch && this.config.FEDERATION_ENABLED,
    });
    let row: AccountRow | undefined;
    if (result.status === 'local') row = await this.view.findByAcct(result.username);
    else if (result.status === 'remote') row = await this.view.find(result.accountId);
    else return { reason: result.message };
    return row ? { row } : { reason: 'no such account' };
  }
}

function parseQuery(acct: string): AccountQuery {
  try {
    return parseAccountQuery(acct);
  } catch (error) {
    if (error instanceof InvalidAccountQueryError) throw ApiError.invalid('acct', error.message);
    throw error;
  }
}

/** The directory with the federation runtime it resolves through (one per process). */
@Module({
  imports: [FederationCoreModule, AccountViewsModule],
  providers: [AccountDirectory],
  exports: [AccountDirectory],
})
export class AccountDirectoryModule {}
