import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AccessToken, MemberToken } from '../common/auth/access-token';
import { Auth, Token } from '../common/auth/auth.decorators';
import { linkHeader, pageConditions, parsePage } from '../common/pagination';
import { PublicUrls } from '../common/public-urls';
import { formBoolean, parseInput } from '../common/validation';
import { StatusView, type StatusJson } from '../statuses/status.view';
import { DataSource } from 'typeorm';
import { ApiError } from '../common/api-error';
import { parseId } from '../common/validation';
import { listTimelineSql, publicTimelineSql, tagTimelineSql } from './timeline.queries';
import { HomeTimelineReader } from '@fediflow/home-feeds';

const publicQuery = z.object({ local: formBoolean.optional(), remote: formBoolean.optional() });

@Controller('/api/v1/timelines')
export class TimelinesController {
  constructor(
    private readonly view: StatusView,
    private readonly urls: PublicUrls,
    private readonly db: DataSource,
    private readonly homeTimeline: HomeTimelineReader,
  ) {}

  @Get('home')
  @Auth({ require: 'member', scope: 'read:statuses' })
  async home(
    @Token() token: MemberToken,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StatusJson[]> {
    const page = parsePage(query);
    const { ids } = await this.homeTimeline.pageIds(token.accountId, page);
    const statuses = await this.view.byIds(ids, token.accountId);
    if (statuses.length < ids.length) {
      const found = new Set(statuses.map((status) => status.id));
      this.homeTimeline.forget(
        token.accountId,
        ids.filter((id) => !found.has(id)),
      );
    }
    this.link(statuses, query, request, reply);
    return statuses;
  }

  @Get('public')
  @Auth({ require: 'optional', scope: 'read:statuses' })
  public(
    @Token() token: AccessToken | undefined,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const options = parseInput(publicQuery, query);
    const page = parsePage(query);
    const params: unknown[] = [token?.accountId ?? null];
    const { where, ascending } = pageConditions('s.id', page, params);
    const scope = options.local ? 'local' : options.remote ? 'remote' : 'all';
    return this.respond(
      publicTimelineSql(where, page.limit, ascending, scope),
      params,
      ascending,
      query,
      request,
      reply,
    );
  }

  @Get('tag/:hashtag')
  @Auth({ require: 'optional', scope: 'read:statuses' })
  tag(
    @Param('hashtag') hashtag: string,
    @Token() token: AccessToken | undefined,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const options = parseInput(publicQuery, query);
    const page = parsePage(query);
    const params: unknown[] = [token?.accountId ?? null];
    const { where, ascending } = pageConditions('s.id', page, params);
    const tagParam = `$${params.push(hashtag.replace(/^#/, '').toLowerCase())}`;
    return this.respond(
      tagTimelineSql(where, page.limit, ascending, tagParam, options.local ?? false),
      params,
      ascending,
      query,
      request,
      reply,
    );
  }

  @Get('list/:id')
  @Auth({ require: 'member', scope: 'read:lists' })
  async list(
    @Param('id') id: string,
    @Token() token: MemberToken,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const listId = parseId(id);
    const owned = (await this.db.query(`SELECT 1 FROM lists WHERE id = $1 AND account_id = $2`, [
      listId,
      token.accountId,
    ])) as unknown[];
    if (owned.length === 0) throw ApiError.notFound();
    const page = parsePage(query);
    const params: unknown[] = [token.accountId];
    const { where, ascending } = pageConditions('s.id', page, params);
    const listParam = `$${params.push(listId)}`;
    return this.respond(
      listTimelineSql(where, page.limit, ascending, listParam),
      params,
      ascending,
      query,
      request,
      reply,
    );
  }

  private async respond(
    sql: string,
    params: unknown[],
    ascending: boolean,
    query: Record<string, unknown>,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<StatusJson[]> {
    const statuses = await this.view.page(sql, params, { ascending });
    if (ascending) statuses.reverse();
    this.link(statuses, query, request, reply);
    return statuses;
  }

  private link(
    statuses: StatusJson[],
    query: Record<string, unknown>,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const header = linkHeader(
      this.urls.api(request.url.split('?')[0] ?? ''),
      query,
      statuses.map((s) => s.id),
    );
    if (header) void reply.header('link', header);
  }
}
