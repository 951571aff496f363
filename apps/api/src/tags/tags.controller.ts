import { Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import type { AccessToken, MemberToken } from '../common/auth/access-token';
import { Auth, Token } from '../common/auth/auth.decorators';
import { linkHeader, pageConditions, parsePage } from '../common/pagination';
import { PublicUrls } from '../common/public-urls';
import { normalizeTagName, TagView, type TagJson } from './tag.view';

/** Hashtags: `GET /api/v1/tags/:name`, following them, and the list of followed ones. */
@Controller('/api/v1')
export class TagsController {
  constructor(
    private readonly db: DataSource,
    private readonly view: TagView,
    private readonly urls: PublicUrls,
  ) {}

  @Get('tags/:name')
  @Auth({ require: 'optional', scope: 'read' })
  show(@Param('name') name: string, @Token() token: AccessToken | undefined): Promise<TagJson> {
    return this.view.byName(normalizeTagName(name), token?.accountId ?? null);
  }

  @Post('tags/:name/follow')
  @HttpCode(200)
  @Auth({ require: 'member', scope: 'write:follows' })
  async follow(@Param('name') raw: string, @Token() token: MemberToken): Promise<TagJson> {
    const name = normalizeTagName(raw);
    await this.db.query(
      `WITH tag AS (
         INSERT INTO tags (name) VALUES ($2)
         ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id)
       INSERT INTO tag_follows (account_id, tag_id) SELECT $1, id FROM tag
       ON CONFLICT (account_id, tag_id) DO NOTHING`,
      [token.accountId, name],
    );
    return this.view.byName(name, token.accountId);
  }

  @Post('tags/:name/unfollow')
  @HttpCode(200)
  @Auth({ require: 'member', scope: 'write:follows' })
  async unfollow(@Param('name') raw: string, @Token() token: MemberToken): Promise<TagJson> {
    const name = normalizeTagName(raw);
    await this.db.query(
      `DELETE FROM tag_follows WHERE account_id = $1
          AND tag_id = (SELECT id FROM tags WHERE name = $2)`,
      [token.accountId, name],
    );
    return this.view.byName(name, token.accountId);
  }

  @Get('followed_tags')
  @Auth({ require: 'member', scope: 'read:follows' })
  async followed(
    @Token() token: MemberToken,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TagJson[]> {
    const page = parsePage(query, 200);
    const params: unknown[] = [token.accountId];
    const { where, ascending } = pageConditions('f.id', page, params);
    const rows: { follow_id: string; id: string; name: string }[] = await this.db.query(
      `SELECT f.id::text AS follow_id, t.id::text AS id, t.name
         FROM tag_follows f JOIN tags t ON t.id = f.tag_id
        WHERE f.account_id = $1 AND ${where}
        ORDER BY f.id ${ascending ? 'ASC' : 'DESC'} LIMIT ${page.limit}`,
      params,
    );
    if (ascending) rows.reverse();
    const header = linkHeader(
      this.urls.api(request.url.split('?')[0] ?? ''),
      query,
      rows.map((row) => row.follow_id),
    );
    if (header) void reply.header('link', header);
    return Promise.all(rows.map((row) => this.view.toJson(row.id, row.name, token.accountId)));
  }
}
