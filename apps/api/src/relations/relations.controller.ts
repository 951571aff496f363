import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MUTE_ACTIVE } from '@fediflow/social';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { ACCOUNT_COLUMNS, AccountView, type AccountRow } from '../accounts/account.view';
import { RelationshipsView } from '../accounts/relationships.view';
import { ApiError, ErrorCode } from '../common/api-error';
import type { MemberToken } from '../common/auth/access-token';
import { Auth, Token } from '../common/auth/auth.decorators';
import { linkHeader, pageConditions, parsePage } from '../common/pagination';
import { PublicUrls } from '../common/public-urls';
import { formBoolean, parseId, parseInput } from '../common/validation';
import { normalizeDomain } from './domain-name';
import { RelationsService } from './relations.service';

/** A hundred years: longer is "indefinitely", and keeps the expiry a valid timestamp. */
const MAX_MUTE_SECONDS = 100 * 365 * 24 * 3600;

const muteSchema = z.object({
  notifications: formBoolean.default(true),
  /** Seconds; 0 (Mastodon's default) mutes until unmuted. */
  duration: z.coerce.number().int().min(0).max(MAX_MUTE_SECONDS).default(0),
});

/**
 * Blocks, mutes and a member's own domain blocks (Mastodon's accounts/:id/block|mute, blocks,
 * mutes, domain_blocks). The admin's domain blocks are a separate list (apps/api/src/domain-blocks.ts).
 */
@Controller('/api/v1')
export class RelationsController {
  constructor(
    private readonly db: DataSource,
    private readonly relations: RelationsService,
    private readonly accounts: AccountView,
    private readonly relationships: RelationshipsView,
    private readonly urls: PublicUrls,
  ) {}

  @Post('accounts/:id/block')
  @HttpCode(200)
  @Auth({ require: 'member', scope: 'write:blocks' })
  async block(@Token() token: MemberToken, @Param('id') id: string) {
    const target = await this.account(id);
    await this.relations.block(token.accountId, target);
    return this.relationships.one(token.accountId, String(target.id));
  }

  @Post('accounts/:id/unblock')
  @HttpCode(200)
  @Auth({ require: 'member', scope: 'write:blocks' })
  async unblock(@Token() token: MemberToken, @Param('id') id: string) {
    const target = await this.account(id);
    await this.relations.unblock(token.accountId, String(target.id));
    return this.relationships.one(token.accountId, String(target.id));
  }

  @Post('accounts/:id/mute')
  @HttpCode(200)
  @Auth({ require: 'member', scope: 'write:mutes' })
  async mute(@Token() token: MemberToken, @Param('id') id: string, @Body() body: unknown) {
    const target = await this.account(id);
    const { notifications, duration } = parseInput(muteSchema, body);
    await this.relations.mute(token.accountId, String(target.id), {
      notifications,
      expiresAt: duration > 0 ? new Date(Date.now() + duration * 1000) : null,
    });
    return this.relationships.one(token.accountId, String(target.id));
  }

  @Post('accounts/:id/unmute')
  @HttpCode(200)
  @Auth({ require: 'member', scope: 'write:mutes' })
  async unmute(@Token() token: MemberToken, @Param('id') id: string) {
    const target = await this.account(id);
    await this.relations.unmute(token.accountId, String(target.id));
    return this.relationships.one(token.accountId, String(target.id));
  }

  @Get('blocks')
  @Auth({ require: 'member', scope: 'read:blocks' })
  async blocks(
    @Token() token: MemberToken,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const rows = await this.page<AccountRow>(
      (where, order, limit) =>
        `SELECT r.id::text AS page_id, ${ACCOUNT_COLUMNS}
           FROM blocks r JOIN accounts a ON a.id = r.target_account_id
          WHERE r.account_id = $1 AND ${where} ORDER BY r.id ${order} LIMIT ${limit}`,
      token.accountId,
      parsePage(query, 80),
      query,
      request,
      reply,
    );
    return rows.map((row) => this.accounts.toJson(row));
  }

  /** Mastodon adds `mute_expires_at` to each account here. */
  @Get('mutes')
  @Auth({ require: 'member', scope: 'read:mutes' })
  async mutes(
    @Token() token: MemberToken,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const rows = await this.page<AccountRow & { mute_expires_at: Date | null }>(
      (where, order, limit) =>
        `SELECT r.id::text AS page_id, r.expires_at AS mute_expires_at, ${ACCOUNT_COLUMNS}
           FROM mutes r JOIN accounts a ON a.id = r.target_account_id
          WHERE r.account_id = $1 AND ${MUTE_ACTIVE.replaceAll('expires_at', 'r.expires_at')}
            AND ${where} ORDER BY r.id ${order} LIMIT ${limit}`,
      token.accountId,
      parsePage(query, 80),
      query,
      request,
      reply,
    );
    return rows.map((row) => ({
      ...this.accounts.toJson(row),
      mute_expires_at: row.mute_expires_at ? new Date(row.mute_expires_at).toISOString() : null,
    }));
  }

  /** The member's blocked domains, as strings (Mastodon: 100 a page by default, 200 at most). */
  @Get('domain_blocks')
  @Auth({ require: 'member', scope: 'read:blocks' })
  async domainBlocks(
    @Token() token: MemberToken,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const page = parsePage({ limit: 100, ...query }, 200);
    const rows = await this.page<{ domain: string }>(
      (where, order, limit) =>
        `SELECT r.id::text AS page_id, r.domain FROM account_domain_blocks r
          WHERE r.account_id = $1 AND ${where} ORDER BY r.id ${order} LIMIT ${limit}`,
      token.accountId,
      page,
      query,
      request,
      reply,
    );
    return rows.map((row) => row.domain);
  }

  @Post('domain_blocks')
  @HttpCode(200)
  @Auth({ require: 'member', scope: 'write:blocks' })
  async blockDomain(
    @Token() token: MemberToken,
    @Query() query: Record<string, unknown>,
    @Body() body: unknown,
  ) {
    const domain = this.domainParam(query, body);
    if (domain === this.urls.host) {
      throw new ApiError(ErrorCode.Unprocessable, 'You cannot block your own domain');
    }
    await this.relations.blockDomain(token.accountId, domain);
    return {};
  }

  @Delete('domain_blocks')
  @Auth({ require: 'member', scope: 'write:blocks' })
  async unblockDomain(
    @Token() token: MemberToken,
    @Query() query: Record<string, unknown>,
    @Body() body: unknown,
  ) {
    await this.relations.unblockDomain(token.accountId, this.domainParam(query, body));
    return {};
  }

  /** `domain` from the body (form or JSON) or, as some clients send a DELETE, the query. */
  private domainParam(query: Record<string, unknown>, body: unknown): string {
    const fromBody = (body as { domain?: unknown } | null | undefined)?.domain;
    return normalizeDomain(fromBody ?? query.domain);
  }

  /** `sql` builds the page (`$1` is the member) from its condition, order and limit. */
  private async page<T>(
    sql: (where: string, order: 'ASC' | 'DESC', limit: number) => string,
    accountId: string,
    page: ReturnType<typeof parsePage>,
    query: Record<string, unknown>,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<(T & { page_id: string })[]> {
    const params: unknown[] = [accountId];
    const { where, ascending } = pageConditions('r.id', page, params);
    const rows: (T & { page_id: string })[] = await this.db.query(
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
    return rows;
  }

  private async account(id: string): Promise<AccountRow> {
    const account = await this.accounts.find(parseId(id, 'Account'));
    if (!account) throw ApiError.notFound('Account');
    return account;
  }
}
