import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { ACCOUNT_COLUMNS, AccountView, type AccountRow } from '../accounts/account.view';
import type { MemberToken } from '../common/auth/access-token';
import { Auth, Token } from '../common/auth/auth.decorators';
import { linkHeader, pageConditions, parsePage } from '../common/pagination';
import { PublicUrls } from '../common/public-urls';
import { formBoolean, listParam, parseId, parseInput, snowflakeId } from '../common/validation';
import { ListsService } from './lists.service';

const title = z.string().trim().min(1, "can't be blank").max(256);
const repliesPolicy = z.enum(['followed', 'list', 'none']);

const createSchema = z.object({
  title,
  replies_policy: repliesPolicy.default('list'),
  exclusive: formBoolean.default(false),
});
const updateSchema = z.object({
  title: title.optional(),
  replies_policy: repliesPolicy.optional(),
  exclusive: formBoolean.optional(),
});
const accountIds = z.array(snowflakeId).min(1, 'must name at least one account').max(250);

/** Mastodon's lists (the list timeline is with the other timelines). */
@Controller('/api/v1')
export class ListsController {
  constructor(
    private readonly db: DataSource,
    private readonly lists: ListsService,
    private readonly accounts: AccountView,
    private readonly urls: PublicUrls,
  ) {}

  @Get('lists')
  @Auth({ require: 'member', scope: 'read:lists' })
  all(@Token() token: MemberToken) {
    return this.lists.all(token.accountId);
  }

  @Post('lists')
  @HttpCode(200)
  @Auth({ require: 'member', scope: 'write:lists' })
  create(@Token() token: MemberToken, @Body() body: unknown) {
    return this.lists.create(token.accountId, parseInput(createSchema, body));
  }

  @Get('lists/:id')
  @Auth({ require: 'member', scope: 'read:lists' })
  one(@Token() token: MemberToken, @Param('id') id: string) {
    return this.lists.one(token.accountId, parseId(id));
  }

  @Put('lists/:id')
  @Auth({ require: 'member', scope: 'write:lists' })
  update(@Token() token: MemberToken, @Param('id') id: string, @Body() body: unknown) {
    return this.lists.update(token.accountId, parseId(id), parseInput(updateSchema, body));
  }

  @Delete('lists/:id')
  @Auth({ require: 'member', scope: 'write:lists' })
  async remove(@Token() token: MemberToken, @Param('id') id: string) {
    await this.lists.remove(token.accountId, parseId(id));
    return {};
  }

  /** The list's members; `limit=0` returns them all, as Mastodon does. */
  @Get('lists/:id/accounts')
  @Auth({ require: 'member', scope: 'read:lists' })
  async members(
    @Token() token: MemberToken,
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const list = await this.lists.one(token.accountId, parseId(id));
    const all = query.limit === '0';
    const page = parsePage(all ? { ...query, limit: undefined } : query, 80);
    const params: unknown[] = [list.id];
    const { where, ascending } = pageConditions('la.id', page, params);
    const rows: (AccountRow & { page_id: string })[] = await this.db.query(
      `SELECT la.id::text AS page_id, ${ACCOUNT_COLUMNS}
         FROM list_accounts la JOIN accounts a ON a.id = la.account_id
        WHERE la.list_id = $1 AND ${where}
        ORDER BY la.id ${ascending ? 'ASC' : 'DESC'} ${all ? '' : `LIMIT ${page.limit}`}`,
      params,
    );
    if (ascending) rows.reverse();
    const header = all
      ? undefined
      : linkHeader(
          this.urls.api(request.url.split('?')[0] ?? ''),
          query,
          rows.map((row) => row.page_id),
        );
    if (header) void reply.header('link', header);
    return rows.map((row) => this.accounts.toJson(row));
  }

  @Post('lists/:id/accounts')
  @HttpCode(200)
  @Auth({ require: 'member', scope: 'write:lists' })
  async add(@Token() token: MemberToken, @Param('id') id: string, @Body() body: unknown) {
    const ids = parseInput(accountIds, listParam(asRecord(body), 'account_ids'));
    await this.lists.addAccounts(token.accountId, parseId(id), ids);
    return {};
  }

  /** `account_ids` in the body or, as some clients send a DELETE, the query. */
  @Delete('lists/:id/accounts')
  @Auth({ require: 'member', scope: 'write:lists' })
  async removeMembers(
    @Token() token: MemberToken,
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Body() body: unknown,
  ) {
    const fromBody = listParam(asRecord(body), 'account_ids');
    const ids = parseInput(
      accountIds,
      fromBody.length ? fromBody : listParam(query, 'account_ids'),
    );
    await this.lists.removeAccounts(token.accountId, parseId(id), ids);
    return {};
  }

  @Get('accounts/:id/lists')
  @Auth({ require: 'member', scope: 'read:lists' })
  containing(@Token() token: MemberToken, @Param('id') id: string) {
    return this.lists.containing(token.accountId, parseId(id, 'Account'));
  }
}

function asRecord(body: unknown): Record<string, unknown> {
  return body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
}
