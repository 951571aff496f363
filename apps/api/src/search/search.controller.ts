import { Controller, Get, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { AccountDirectory } from '../accounts/account-directory';
import { ACCOUNT_COLUMNS, AccountView, type AccountRow } from '../accounts/account.view';
import { ApiError, ErrorCode } from '../common/api-error';
import type { AccessToken } from '../common/auth/access-token';
import { Auth, Token } from '../common/auth/auth.decorators';
import { PublicUrls } from '../common/public-urls';
import { formBoolean, parseInput } from '../common/validation';
import { StatusView, VISIBLE_TO_VIEWER, type StatusJson } from '../statuses/status.view';
import { accountSearch, escapeLike } from './account-search';

const searchQuery = z.object({
  q: z.string().trim().min(1, 'is required').max(500),
  // Any other type finds nothing, as on Mastodon (SearchService), rather than failing.
  type: z.string().optional(),
  resolve: formBoolean.optional(),
  following: formBoolean.optional(),
  limit: z.coerce.number().int().min(1).default(20),
  offset: z.coerce.number().int().min(0).default(0),
});

interface TagJson {
  name: string;
  url: string;
  history: never[];
}

/**
 * Mastodon's `GET /api/v2/search` without a full-text index: accounts by username / display-name
 * prefix or handle (remote ones resolved by WebFinger with `resolve=true`), statuses by their URL,
 * hashtags by prefix. As Mastodon, resolving remote resources and paging need a signed-in user.
 */
@Controller('/api/v2/search')
export class SearchController {
  constructor(
    private readonly db: DataSource,
    private readonly directory: AccountDirectory,
    private readonly accounts: AccountView,
    private readonly statuses: StatusView,
    private readonly urls: PublicUrls,
  ) {}

  @Get()
  @Auth({ require: 'optional', scope: 'read:search' })
  async search(@Token() token: AccessToken | undefined, @Query() query: unknown) {
    const input = parseInput(searchQuery, query);
    const viewer = token?.accountId ?? null;
    if (!viewer && input.resolve) {
      throw new ApiError(
        ErrorCode.Unauthorized,
        'Search queries that resolve remote resources are not supported without authentication',
      );
    }
    if (!viewer && (input.offset > 0 || input.following)) {
      throw new ApiError(
        ErrorCode.Unauthorized,
        'Search queries pagination is not supported without authentication',
      );
    }
    const limit = Math.min(input.limit, 40);
    const wants = (type: 'accounts' | 'statuses' | 'hashtags') =>
      !input.type || input.type === type;
    const [accounts, statuses, hashtags] = await Promise.all([
      wants('accounts')
        ? this.searchAccounts(input.q, viewer, { ...input, limit })
        : Promise.resolve([]),
      wants('statuses') ? this.searchStatuses(input.q, viewer, limit, input.offset) : [],
      wants('hashtags') ? this.searchTags(input.q, limit, input.offset) : [],
    ]);
    return { accounts: accounts.map((row) => this.accounts.toJson(row)), statuses, hashtags };
  }

  private async searchAccounts(
    q: string,
    viewer: string | null,
    options: { resolve?: boolean; following?: boolean; limit: number; offset: number },
  ): Promise<AccountRow[]> {
    // The account the query names exactly comes first (fetched from its server if allowed).
    const named =
      options.offset === 0 ? await this.directory.resolve(q, options.resolve === true) : undefined;
    const search = accountSearch(q, this.urls.host);
    if (!search) return named ? [named] : [];
    const params: unknown[] = [...search.params, viewer, named?.id ?? null];
    const viewerParam = `$${search.params.length + 1}`;
    const namedParam = `$${search.params.length + 2}`;
    const rows: AccountRow[] = await this.db.query(
      `SELECT ${ACCOUNT_COLUMNS} FROM accounts a
        WHERE ${search.where}
          AND a.id IS DISTINCT FROM ${namedParam}::bigint
          AND (${options.following ? 'TRUE' : 'FALSE'} = FALSE OR EXISTS (
                SELECT 1 FROM follows f
                 WHERE f.account_id = ${viewerParam}::bigint AND f.target_account_id = a.id))
        ORDER BY ${search.orderBy}, a.domain IS NULL DESC, a.followers_count DESC, a.id
        LIMIT ${options.limit} OFFSET ${options.offset}`,
      params,
    );
    return named ? [named, ...rows].slice(0, options.limit) : rows;
  }

  /** Without a full-text index Mastodon finds statuses by URL only; so does this. */
  private async searchStatuses(
    q: string,
    viewer: string | null,
    limit: number,
    offset: number,
  ): Promise<StatusJson[]> {
    if (!/^https?:\/\//i.test(q) || offset > 0) return [];
    const statuses = await this.statuses.page(
      `SELECT s.id FROM statuses s
        WHERE (s.uri = $2 OR s.url = $2) AND s.reblog_of_id IS NULL AND ${VISIBLE_TO_VIEWER}
        LIMIT ${limit}`,
      [viewer, q],
    );
    if (statuses.length > 0) return statuses;
    // Our own status pages (`/@user/<id>`) and object URIs carry the id.
    const own = new RegExp(
      `^${escapeRegExp(this.urls.origin)}/(?:@[A-Za-z0-9_]+|users/[A-Za-z0-9_]+/statuses)/(\\d{1,19})$`,
    ).exec(q)?.[1];
    const status = own ? await this.statuses.one(own, viewer) : undefined;
    return status ? [status] : [];
  }

  private async searchTags(q: string, limit: number, offset: number): Promise<TagJson[]> {
    const name = q.replace(/^#/, '').toLowerCase();
    if (!/^[\p{L}\p{N}_]+$/u.test(name)) return [];
    const rows = (await this.db.query(
      `SELECT name FROM tags WHERE name LIKE $1 ESCAPE '\\'
        ORDER BY name = $2 DESC, length(name), name LIMIT ${limit} OFFSET ${offset}`,
      [`${escapeLike(name)}%`, name],
    )) as { name: string }[];
    return rows.map((row) => ({ name: row.name, url: this.urls.tag(row.name), history: [] }));
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
