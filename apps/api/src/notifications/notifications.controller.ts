import { Controller, Get, Param, Post, Query, Res, HttpCode } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Social } from '@fediflow/social';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { ApiError } from '../common/api-error';
import type { MemberToken } from '../common/auth/access-token';
import { Auth, Token } from '../common/auth/auth.decorators';
import { linkHeader, pageConditions, parsePage } from '../common/pagination';
import { PublicUrls } from '../common/public-urls';
import { listParam, parseId, parseInput, snowflakeId } from '../common/validation';
import { NOTIFICATION_NOT_FILTERED } from '@fediflow/social';
import { requestedTypes } from './notification-types';
import { NotificationView } from './notification.view';

const typeList = z.array(z.string());
const filterSchema = z.object({ account_id: snowflakeId.optional() });

@Controller('/api/v1/notifications')
export class NotificationsController {
  constructor(
    private readonly db: DataSource,
    private readonly notifications: NotificationView,
    private readonly urls: PublicUrls,
    private readonly social: Social,
  ) {}

  @Get()
  @Auth({ require: 'member', scope: 'read:notifications' })
  async list(
    @Token() token: MemberToken,
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const page = parsePage(query, 80);
    const types = requestedTypes(
      parseInput(typeList, listParam(query, 'types')),
      parseInput(typeList, listParam(query, 'exclude_types')),
    );
    const { account_id: fromAccountId } = parseInput(filterSchema, query);
    const params: unknown[] = [token.accountId];
    const { where, ascending } = pageConditions('n.id', page, params);
    const typeFilter = types ? `AND n.type = ANY($${params.push(types)}::text[])` : '';
    const fromFilter = fromAccountId
      ? `AND n.from_account_id = $${params.push(fromAccountId)}`
      : '';
    const rows = await this.notifications.list(
      `n.account_id = $1 AND ${where} ${typeFilter} ${fromFilter} AND ${NOTIFICATION_NOT_FILTERED}
       ORDER BY n.id ${ascending ? 'ASC' : 'DESC'} LIMIT ${page.limit}`,
      params,
      token.accountId,
    );
    if (ascending) rows.reverse();
    const header = linkHeader(
      this.urls.api('/api/v1/notifications'),
      query,
      rows.map((row) => String(row.id)),
    );
    if (header) void reply.header('link', header);
    return rows;
  }

  @Get(':id')
  @Auth({ require: 'member', scope: 'read:notifications' })
  async show(@Token() token: MemberToken, @Param('id') id: string) {
    const notification = await this.notifications.one(parseId(id, 'Notification'), token.accountId);
    if (!notification) throw ApiError.notFound('Notification');
    return notification;
  }

  @Post('clear')
  @HttpCode(200)
  @Auth({ require: 'member', scope: 'write:notifications' })
  async clear(@Token() token: MemberToken) {
    await this.social.notifications.dismissAll(this.db, token.accountId);
    return {};
  }

  @Post(':id/dismiss')
  @HttpCode(200)
  @Auth({ require: 'member', scope: 'write:notifications' })
  async dismiss(@Token() token: MemberToken, @Param('id') id: string) {
    const dismissed = await this.social.notifications.dismiss(
      this.db,
      token.accountId,
      parseId(id, 'Notification'),
    );
    if (!dismissed) throw ApiError.notFound('Notification');
    return {};
  }
}
