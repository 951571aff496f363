import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AccessToken, MemberToken } from '../common/auth/access-token';
import { Auth, Token } from '../common/auth/auth.decorators';
import { linkHeader, pageConditions, parsePage } from '../common/pagination';
import { PublicUrls } from '../common/public-urls';
import { formBoolean, parseInput } from '../common/validation';
import { StatusView, type StatusJson } from '../statuses/status.view';
import { HomeTimelineReader } from '@fediflow/home-feeds';
import { publicTimelineSql, tagTimelineSql } from './timeline.queries';

const publicQuery = z.object({ local: formBoolean.optional(), remote: formBoolean.optional() });

@Controller('/api/v1/timelines')
export class TimelinesController {
  constructor(
    private readonly view: StatusView,
    private readonly urls: PublicUrls,
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
