import { Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { ApiError } from '../common/api-error';
import type { MemberToken } from '../common/auth/access-token';
import { Auth, Token } from '../common/auth/auth.decorators';
import { linkHeader, pageConditions, parsePage } from '../common/pagination';
import { PublicUrls } from '../common/public-urls';
import { parseId } from '../common/validation';
import { StatusMarksService } from './status-marks.service';
import { StatusView, VISIBLE_TO_VIEWER, type StatusJson } from './status.view';

/** Bookmarks, pins, and the member's own lists of bookmarked and favourited statuses. */
@Controller('/api/v1')
export class StatusMarksController {
  constructor(
    private readonly db: DataSource,
    private readonly marks: StatusMarksService,
    private readonly view: StatusView,
    private readonly urls: PublicUrls,
  ) {}

  @Post('statuses/:id/bookmark')
  @HttpCode(200)
  @Auth({ require: 'member', scope: 'write:bookmarks' })
  async bookmark(@Token() token: MemberToken, @Param('id') id: string) {
    return this.present(await this.marks.bookmark(token.accountId, parseId(id)), token);
  }

  @Post('statuses/:id/unbookmark')
  @HttpCode(200)
  @Auth({ require: 'member', scope: 'write:bookmarks' })
  async unbookmark(@Token() token: MemberToken, @Param('id') id: string) {
    await this.marks.unbookmark(token.accountId, parseId(id));
    return this.present(id, token);
  }

  @Post('statuses/:id/pin')
  @HttpCode(200)
  @Auth({ require: 'member', scope: 'write:accounts' })
  async pin(@Token() token: MemberToken, @Param('id') id: string) {
    await this.marks.pin(token.accountId, parseId(id));
    return this.present(id, token);
  }

  @Post('statuses/:id/unpin')
  @HttpCode(200)
  @Auth({ require: 'member', scope: 'write:accounts' })
  async unpin(@Token() token: MemberToken, @Param('id') id: string) {
    await this.marks.unpin(token.accountId, parseId(id));
    return this.present(id, token);
  }

  @Get('bookmarks')
  @Auth({ require: 'member', scope: 'read:bookmarks' })
  bookmarks(
    @Token() token: MemberToken,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.markedPage('bookmarks', token, query, request, reply);
  }

  @Get('favourites')
  @Auth({ require: 'member', scope: 'read:favourites' })
  favourites(
    @Token() token: MemberToken,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.markedPage('favourites', token, query, request, reply);
  }

  /** Newest mark first, paged by the mark's id (as Mastodon pages these lists). */
  private async markedPage(
    table: 'bookmarks' | 'favourites',
    token: MemberToken,
    query: Record<string, unknown>,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<StatusJson[]> {
    const page = parsePage(query);
    const params: unknown[] = [token.accountId];
    const { where, ascending } = pageConditions('m.id', page, params);
    const marks: { mark_id: string; status_id: string }[] = await this.db.query(
      `SELECT m.id::text AS mark_id, m.status_id::text AS status_id
         FROM ${table} m JOIN statuses s ON s.id = m.status_id
        WHERE m.account_id = $1 AND ${where} AND ${VISIBLE_TO_VIEWER}
        ORDER BY m.id ${ascending ? 'ASC' : 'DESC'} LIMIT ${page.limit}`,
      params,
    );
    if (ascending) marks.reverse();
    const header = linkHeader(
      this.urls.api(request.url.split('?')[0] ?? ''),
      query,
      marks.map((mark) => mark.mark_id),
    );
    if (header) void reply.header('link', header);
    const statuses = await this.view.page(`SELECT unnest($2::bigint[]) AS id`, [
      token.accountId,
      marks.map((mark) => mark.status_id),
    ]);
    const byId = new Map(statuses.map((status) => [status.id, status]));
    return marks.flatMap((mark) => byId.get(mark.status_id) ?? []);
  }

  private async present(id: string, token: MemberToken): Promise<StatusJson> {
    const status = await this.view.one(id, token.accountId);
    if (!status) throw ApiError.notFound();
    return status;
  }
}
