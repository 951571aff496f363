import {
  Body,
  Controller,
  Get,
  Param,
  Patch,
  Post,
  Query,
  Req,
  Res,
  HttpCode,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { ApiError } from '../common/api-error';
import type { AccessToken, MemberToken } from '../common/auth/access-token';
import { Auth, Token } from '../common/auth/auth.decorators';
import { linkHeader, pageConditions, parsePage } from '../common/pagination';
import { PublicUrls } from '../common/public-urls';
import { formBoolean, listParam, parseId, parseInput, snowflakeId } from '../common/validation';
import { UploadedFile } from '../http/request-bodies';
import { MediaService } from '../media/media.service';
import { StatusView, VISIBLE_TO_VIEWER } from '../statuses/status.view';
import { AccountDirectory } from './account-directory';
import { ACCOUNT_COLUMNS, AccountView, type AccountRow } from './account.view';
import { AccountsService } from './accounts.service';
import { FollowsService } from './follows.service';
import { RelationshipsView } from './relationships.view';

const registrationSchema = z.object({
  username: z
    .string()
    .min(1)
    .max(30)
    .regex(/^[A-Za-z0-9_]+$/, 'must contain only letters, numbers and underscores'),
  email: z.email().max(320),
  password: z.string().min(8, 'is too short (minimum is 8 characters)').max(256),
  agreement: formBoolean.refine((agreed) => agreed, 'must be accepted'),
  locale: z.string().max(16).optional(),
  reason: z.string().max(1_000).optional(),
});

const profileSchema = z.object({
  display_name: z.string().max(30).optional(),
  note: z.string().max(500).optional(),
  locked: formBoolean.optional(),
  bot: formBoolean.optional(),
  discoverable: formBoolean.optional(),
  /**
   * Profile metadata, Mastodon's limits (4 pairs of 255 characters); pairs left blank on both
   * sides are dropped, as Mastodon drops them.
   */
  fields_attributes: z
    .array(
      z.object({
        name: z.string().max(255).optional().default(''),
        value: z.string().max(255).optional().default(''),
      }),
    )
    .max(4)
    .optional(),
  /** FediFlow extension: the notification e-mail digest. */
  email_digest: formBoolean.optional(),
  /** Images, cropped to Mastodon's sizes (400×400 and 1500×500). */
  avatar: z.instanceof(UploadedFile, { error: 'must be an image file' }).optional(),
  header: z.instanceof(UploadedFile, { error: 'must be an image file' }).optional(),
});

const statusesQuery = z.object({
  exclude_replies: formBoolean.optional(),
  exclude_reblogs: formBoolean.optional(),
  only_media: formBoolean.optional(),
  pinned: formBoolean.optional(),
  tagged: z.string().max(100).optional(),
});

@Controller('/api/v1/accounts')
export class AccountsController {
  constructor(
    private readonly db: DataSource,
    private readonly accounts: AccountsService,
    private readonly view: AccountView,
    private readonly follows: FollowsService,
    private readonly relationships: RelationshipsView,
    private readonly statuses: StatusView,
    private readonly urls: PublicUrls,
    private readonly directory: AccountDirectory,
    private readonly media: MediaService,
  ) {}

  @Post()
  @HttpCode(200)
  @Auth({ require: 'app', scope: 'write:accounts' })
  register(@Token() token: AccessToken, @Body() body: unknown) {
    const input = parseInput(registrationSchema, body);
    return this.accounts.register(token, input);
  }

  @Get('verify_credentials')
  @Auth({ require: 'member', scope: 'read:accounts' })
  async verifyCredentials(@Token() token: MemberToken) {
    return this.credentialAccount(token);
  }

  @Patch('update_credentials')
  @Auth({ require: 'member', scope: 'write:accounts' })
  async updateCredentials(@Token() token: MemberToken, @Body() body: unknown) {
    const { email_digest, fields_attributes, avatar, header, ...changes } = parseInput(
      profileSchema,
      body,
    );
    const fields = fields_attributes?.filter((field) => field.name.trim() || field.value.trim());
    const images: Partial<Record<'avatar_file_key' | 'header_file_key', string>> = {};
    for (const [kind, file] of [
      ['avatar', avatar],
      ['header', header],
    ] as const) {
      if (!file) continue;
      const { column, key } = await this.media.setProfileImage(token.accountId, kind, file);
      images[column] = key;
    }
    const previous = await this.view.find(token.accountId);
    await this.accounts.updateProfile(token.accountId, {
      ...changes,
      ...images,
      fields: fields && JSON.stringify(fields),
    });
    await this.media.discard([
      images.avatar_file_key ? (previous?.avatar_file_key ?? null) : null,
      images.header_file_key ? (previous?.header_file_key ?? null) : null,
    ]);
    if (email_digest !== undefined) await this.accounts.setDigest(token.userId, email_digest);
    return this.credentialAccount(token);
  }

  @Get('relationships')
  @Auth({ require: 'member', scope: 'read:follows' })
  async relationshipsOf(@Token() token: MemberToken, @Query() query: Record<string, unknown>) {
    const ids = parseInput(z.array(snowflakeId).max(100), listParam(query, 'id'));
    return this.relationships.between(token.accountId, ids);
  }

  @Get('lookup')
  @Auth({ require: 'optional', scope: 'read:accounts' })
  async lookup(@Query() query: unknown) {
    const { acct } = parseInput(z.object({ acct: z.string().min(1).max(300) }), query);
    return this.view.toJson(await this.directory.lookup(acct));
  }

  @Get(':id')
  @Auth({ require: 'optional', scope: 'read:accounts' })
  async show(@Param('id') id: string) {
    return this.view.toJson(await this.mustFind(id));
  }

  @Get(':id/statuses')
  @Auth({ require: 'optional', scope: 'read:statuses' })
  async statusesOf(
    @Param('id') id: string,
    @Token() token: AccessToken | undefined,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const account = await this.mustFind(id);
    const options = parseInput(statusesQuery, query);
    const page = parsePage(query);
    const params: unknown[] = [token?.accountId ?? null, account.id];
    if (options.pinned) {
      // At most MAX_PINS (status-marks.service.ts), so all on one page, newest first.
      return this.statuses.page(
        `SELECT s.id FROM status_pins p JOIN statuses s ON s.id = p.status_id
          WHERE p.account_id = $2 AND ${VISIBLE_TO_VIEWER}`,
        params,
      );
    }
    const { where, ascending } = pageConditions('s.id', page, params);
    const filters = [
      options.exclude_replies ? 's.in_reply_to_id IS NULL' : 'TRUE',
      options.exclude_reblogs ? 's.reblog_of_id IS NULL' : 'TRUE',
      options.only_media
        ? 'EXISTS (SELECT 1 FROM media_attachments m WHERE m.status_id = s.id)'
        : 'TRUE',
      options.tagged
        ? `EXISTS (SELECT 1 FROM status_tags st JOIN tags t ON t.id = st.tag_id
                    WHERE st.status_id = s.id AND t.name = lower($${params.push(options.tagged)}))`
        : 'TRUE',
    ].join(' AND ');
    const statuses = await this.statuses.page(
      `SELECT s.id FROM statuses s WHERE s.account_id = $2 AND ${where} AND ${filters} AND ${VISIBLE_TO_VIEWER}
        ORDER BY s.id ${ascending ? 'ASC' : 'DESC'} LIMIT ${page.limit}`,
      params,
      { ascending },
    );
    this.link(
      reply,
      request,
      query,
      statuses.map((status) => status.id),
    );
    return ascending ? statuses.reverse() : statuses;
  }

  @Get(':id/followers')
  @Auth({ require: 'optional', scope: 'read:accounts' })
  followers(
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.followList(id, 'target_account_id', 'account_id', query, request, reply);
  }

  @Get(':id/following')
  @Auth({ require: 'optional', scope: 'read:accounts' })
  following(
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.followList(id, 'account_id', 'target_account_id', query, request, reply);
  }

  @Post(':id/follow')
  @HttpCode(200)
  @Auth({ require: 'member', scope: 'write:follows' })
  async follow(@Token() token: MemberToken, @Param('id') id: string) {
    const target = await this.mustFind(id);
    await this.follows.follow(token.accountId, target);
    return this.relationships.one(token.accountId, String(target.id));
  }

  @Post(':id/unfollow')
  @HttpCode(200)
  @Auth({ require: 'member', scope: 'write:follows' })
  async unfollow(@Token() token: MemberToken, @Param('id') id: string) {
    const target = await this.mustFind(id);
    await this.follows.unfollow(token.accountId, String(target.id));
    return this.relationships.one(token.accountId, String(target.id));
  }

  private async credentialAccount(token: MemberToken) {
    const account = await this.mustFind(token.accountId);
    const [settings]: { digest_enabled: boolean; requests: number }[] = await this.db.query(
      `SELECT u.digest_enabled,
              (SELECT count(*)::int FROM follow_requests WHERE target_account_id = u.account_id) AS requests
         FROM users u WHERE u.id = $1`,
      [token.userId],
    );
    return {
      ...this.view.toJson(account),
      source: {
        privacy: 'public',
        sensitive: false,
        language: null,
        note: account.note,
        fields: (account.fields ?? []).map((field) => ({ ...field, verified_at: null })),
        follow_requests_count: settings?.requests ?? 0,
        email_digest: settings?.digest_enabled ?? false,
      },
    };
  }

  private async followList(
    id: string,
    ownColumn: 'account_id' | 'target_account_id',
    otherColumn: 'account_id' | 'target_account_id',
    query: Record<string, unknown>,
    request: FastifyRequest,
    reply: FastifyReply,
  ) {
    const account = await this.mustFind(id);
    const page = parsePage(query, 80);
    const params: unknown[] = [account.id];
    const { where, ascending } = pageConditions('f.id', page, params);
    const rows: (AccountRow & { follow_id: string })[] = await this.db.query(
      `SELECT f.id::text AS follow_id, ${ACCOUNT_COLUMNS}
         FROM follows f JOIN accounts a ON a.id = f.${otherColumn}
        WHERE f.${ownColumn} = $1 AND ${where}
        ORDER BY f.id ${ascending ? 'ASC' : 'DESC'} LIMIT ${page.limit}`,
      params,
    );
    if (ascending) rows.reverse();
    this.link(
      reply,
      request,
      query,
      rows.map((row) => row.follow_id),
    );
    return rows.map((row) => this.view.toJson(row));
  }

  private link(
    reply: FastifyReply,
    request: FastifyRequest,
    query: Record<string, unknown>,
    ids: string[],
  ) {
    const header = linkHeader(this.urls.api(request.url.split('?')[0] ?? ''), query, ids);
    if (header) void reply.header('link', header);
  }

  private async mustFind(id: string): Promise<AccountRow> {
    const account = await this.view.find(parseId(id, 'Account'));
    if (!account) throw ApiError.notFound('Account');
    return account;
  }
}
