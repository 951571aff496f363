import { Controller, Get, Param, Post, Query, Res, HttpCode } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Social } from '@fediflow/social';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { AccountView, ACCOUNT_COLUMNS, type AccountRow } from '../accounts/account.view';
import { ApiError } from '../common/api-error';
import type { MemberToken } from '../common/auth/access-token';
import { Auth, Token } from '../common/auth/auth.decorators';
import { linkHeader, pageConditions, parsePage } from '../common/pagination';
import { PublicUrls } from '../common/public-urls';
import { listParam, parseId, parseInput, snowflakeId } from '../common/validation';
import { NOTIFICATION_NOT_FILTERED } from '../statuses/status-filters';
import { StatusView } from '../statuses/status.view';
import { requestedTypes } from './notification-types';

const typeList = z.array(z.string());
const filterSchema = z.object({ account_id: snowflakeId.optional() });

interface NotificationRow {
  id: string;
  type: string;
  created_at: Date;
  status_id: string | null;
  account: AccountRow;
}

@Controller('/api/v1/notifications')
export class NotificationsController {
  constructor(
    private readonly db: DataSource,
    private readonly accounts: AccountView,
    private readonly statuses: StatusView,
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
    const rows = await this.load(
      `n.account_id = $1 AND ${where} ${typeFilter} ${fromFilter} AND ${NOTIFICATION_NOT_FILTERED}
       ORDER BY n.id ${ascending ? 'ASC' : 'DESC'} LIMIT ${page.limit}`,
      params,
    );
    if (ascending) rows.reverse();
    const header = linkHeader(
      this.urls.api('/api/v1/notifications'),
      query,
      rows.map((row) => String(row.id)),
    );
    if (header) void reply.header('link', header);
    return this.present(rows, token.accountId);
  }

  @Get(':id')
  @Auth({ require: 'member', scope: 'read:notifications' })
  async show(@Token() token: MemberToken, @Param('id') id: string) {
    const rows = await this.load(`n.account_id = $1 AND n.id = $2`, [
      token.accountId,
      parseId(id, 'Notification'),
    ]);
    if (rows.length === 0) throw ApiError.notFound('Notification');
    const [notification] = await this.present(rows, token.accountId);
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

  private load(condition: string, params: unknown[]): Promise<NotificationRow[]> {
    return this.db.query(
      `SELECT n.id::text AS id, n.type, n.created_at, n.status_id::text AS status_id,
              (SELECT row_to_json(acc) FROM (SELECT ${ACCOUNT_COLUMNS} FROM accounts a WHERE a.id = n.from_account_id) acc) AS account
         FROM notifications n WHERE ${condition}`,
      params,
    );
  }

  private async present(rows: NotificationRow[], viewerId: string) {
    const statusIds = [...new Set(rows.flatMap((row) => (row.status_id ? [row.status_id] : [])))];
    const statuses = statusIds.length
      ? await this.statuses.page(`SELECT unnest($2::bigint[]) AS id`, [viewerId, statusIds])
      : [];
    const byId = new Map(statuses.map((status) => [status.id, status]));
    return rows.map((row) => ({
      id: row.id,
      type: row.type,
      created_at: new Date(row.created_at).toISOString(),
      group_key: `ungrouped-${row.id}`,
      account: this.accounts.toJson(row.account),
      ...(row.status_id ? { status: byId.get(row.status_id) ?? null } : {}),
    }));
  }
}
