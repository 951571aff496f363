import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { ACCOUNT_COLUMNS, AccountView, type AccountRow } from '../accounts/account.view';
import { ApiError } from '../common/api-error';
import type { AccessToken } from '../common/auth/access-token';
import { Auth, Token } from '../common/auth/auth.decorators';
import { linkHeader, pageConditions, parsePage } from '../common/pagination';
import { PublicUrls } from '../common/public-urls';
import { parseId } from '../common/validation';
import { StatusView, type StatusJson } from './status.view';

/** Who boosted or favourited a status, and its edit history (reads only). */
@Controller('/api/v1/statuses')
export class StatusInteractionsController {
  constructor(
    private readonly db: DataSource,
    private readonly statuses: StatusView,
    private readonly accounts: AccountView,
    private readonly urls: PublicUrls,
  ) {}

  @Get(':id/reblogged_by')
  @Auth({ require: 'optional', scope: 'read:accounts' })
  async rebloggedBy(
    @Param('id') id: string,
    @Token() token: AccessToken | undefined,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    await this.visible(id, token);
    return this.accountPage(
      (where, order, limit) =>
        `SELECT r.id::text AS page_id, ${ACCOUNT_COLUMNS}
           FROM statuses r JOIN accounts a ON a.id = r.account_id
          WHERE r.reblog_of_id = $1 AND r.visibility IN ('public', 'unlisted') AND ${where}
          ORDER BY r.id ${order} LIMIT ${limit}`,
      'r.id',
      id,
      query,
      request,
      reply,
    );
  }

  @Get(':id/favourited_by')
  @Auth({ require: 'optional', scope: 'read:accounts' })
  async favouritedBy(
    @Param('id') id: string,
    @Token() token: AccessToken | undefined,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    await this.visible(id, token);
    return this.accountPage(
      (where, order, limit) =>
        `SELECT f.id::text AS page_id, ${ACCOUNT_COLUMNS}
           FROM favourites f JOIN accounts a ON a.id = f.account_id
          WHERE f.status_id = $1 AND ${where}
          ORDER BY f.id ${order} LIMIT ${limit}`,
      'f.id',
      id,
      query,
      request,
      reply,
    );
  }

  /**
   * Mastodon's StatusEdit list, oldest first: every stored revision (the first edit also stored
   * the original). A status never edited has one, its current text, as Mastodon answers.
   */
  @Get(':id/history')
  @Auth({ require: 'optional', scope: 'read:statuses' })
  async history(@Param('id') id: string, @Token() token: AccessToken | undefined) {
    const status = await this.visible(id, token);
    const revisions: {
      content: string;
      spoiler_text: string;
      sensitive: boolean;
      created_at: Date;
    }[] = await this.db.query(
      `SELECT content, spoiler_text, sensitive, created_at FROM status_edits
        WHERE status_id = $1 ORDER BY created_at, id`,
      [status.id],
    );
    const edits = revisions.length
      ? revisions.map((revision) => ({
          ...revision,
          created_at: new Date(revision.created_at).toISOString(),
        }))
      : [
          {
            content: status.content,
            spoiler_text: status.spoiler_text,
            sensitive: status.sensitive,
            created_at: status.edited_at ?? status.created_at,
          },
        ];
    return edits.map((edit) => ({
      ...edit,
      account: status.account,
      poll: null,
      media_attachments: [],
      emojis: status.emojis,
    }));
  }

  private async visible(id: string, token: AccessToken | undefined): Promise<StatusJson> {
    const status = await this.statuses.one(parseId(id), token?.accountId ?? null);
    if (!status) throw ApiError.notFound();
    return status;
  }

  /** `sql` builds the query (`$1` is the status id) from the page condition, order and limit. */
  private async accountPage(
    sql: (where: string, order: 'ASC' | 'DESC', limit: number) => string,
    pageColumn: string,
    statusId: string,
    query: Record<string, unknown>,
    request: FastifyRequest,
    reply: FastifyReply,
  ) {
    const page = parsePage(query, 80);
    const params: unknown[] = [statusId];
    const { where, ascending } = pageConditions(pageColumn, page, params);
    const rows: (AccountRow & { page_id: string })[] = await this.db.query(
      sql(where, ascending ? 'ASC' : 'DESC', page.limit),
      params,
    );
    if (ascending) rows.reverse();
    const header = linkHeader(
      this.urls.api(request.url.split('?')[0] ?? ''),
      query,
      rows.map((row) => row.page_id),
    );
    if (header) void reply.header('link', header);
    return rows.map((row) => this.accounts.toJson(row));
  }
}
