import { Controller, Get, Param, Post, Query, Req, Res, HttpCode } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { ApiError } from '../common/api-error';
import type { MemberToken } from '../common/auth/access-token';
import { Auth, Token } from '../common/auth/auth.decorators';
import { linkHeader, pageConditions, parsePage } from '../common/pagination';
import { PublicUrls } from '../common/public-urls';
import { parseId } from '../common/validation';
import { ACCOUNT_COLUMNS, AccountView, type AccountRow } from './account.view';
import { FollowsService } from './follows.service';
import { RelationshipsView } from './relationships.view';

/** Pending follow requests of a locked account, approved or rejected by its owner. */
@Controller('/api/v1/follow_requests')
export class FollowRequestsController {
  constructor(
    private readonly db: DataSource,
    private readonly view: AccountView,
    private readonly follows: FollowsService,
    private readonly relationships: RelationshipsView,
    private readonly urls: PublicUrls,
  ) {}

  @Get()
  @Auth({ require: 'member', scope: 'read:follows' })
  async list(
    @Token() token: MemberToken,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const page = parsePage(query, 80);
    const params: unknown[] = [token.accountId];
    const { where, ascending } = pageConditions('r.id', page, params);
    const rows: (AccountRow & { request_id: string })[] = await this.db.query(
      `SELECT r.id::text AS request_id, ${ACCOUNT_COLUMNS}
         FROM follow_requests r JOIN accounts a ON a.id = r.account_id
        WHERE r.target_account_id = $1 AND ${where}
        ORDER BY r.id ${ascending ? 'ASC' : 'DESC'} LIMIT ${page.limit}`,
      params,
    );
    if (ascending) rows.reverse();
    const header = linkHeader(
      this.urls.api('/api/v1/follow_requests'),
      query,
      rows.map((row) => row.request_id),
    );
    if (header) void reply.header('link', header);
    return rows.map((row) => this.view.toJson(row));
  }

  @Post(':id/authorize')
  @HttpCode(200)
  @Auth({ require: 'member', scope: 'write:follows' })
  async authorize(@Token() token: MemberToken, @Param('id') id: string) {
    const requesterId = parseId(id, 'Follow request');
    if (!(await this.follows.authorize(token.accountId, requesterId)))
      throw ApiError.notFound('Follow request');
    return this.relationships.one(token.accountId, requesterId);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Auth({ require: 'member', scope: 'write:follows' })
  async reject(@Token() token: MemberToken, @Param('id') id: string) {
    const requesterId = parseId(id, 'Follow request');
    if (!(await this.follows.reject(token.accountId, requesterId)))
      throw ApiError.notFound('Follow request');
    return this.relationships.one(token.accountId, requesterId);
  }
}
