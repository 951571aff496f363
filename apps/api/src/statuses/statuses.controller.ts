import { Body, Controller, Delete, Get, Headers, Param, Post, Put, HttpCode } from '@nestjs/common';
import { z } from 'zod';
import { ApiError } from '../common/api-error';
import type { AccessToken, MemberToken } from '../common/auth/access-token';
import { Auth, Token } from '../common/auth/auth.decorators';
import { formBoolean, parseId, parseInput, snowflakeId } from '../common/validation';
import { MAX_MEDIA_PER_STATUS } from '../media/media-limits';
import { StatusesService } from './statuses.service';
import { NOT_FILTERED_FOR_VIEWER } from '@fediflow/social';
import { StatusView, VISIBLE_TO_VIEWER, type StatusJson } from './status.view';

const language = z
  .string()
  .regex(/^[a-z]{2,3}$/, 'must be an ISO 639 code')
  .optional();

/** At most 4 (MAX_MEDIA_PER_STATUS); ownership and state are checked by `MediaService.attach`. */
const mediaIds = z
  .array(snowflakeId)
  .max(MAX_MEDIA_PER_STATUS, `must be at most ${MAX_MEDIA_PER_STATUS}`)
  .optional();

const createSchema = z.object({
  status: z.string().max(10_000).default(''),
  spoiler_text: z.string().max(500).default(''),
  sensitive: formBoolean.default(false),
  visibility: z.enum(['public', 'unlisted', 'private', 'direct']).default('public'),
  language,
  in_reply_to_id: snowflakeId.optional(),
  media_ids: mediaIds,
  poll: z.undefined({ error: 'polls are not supported yet' }).optional(),
  scheduled_at: z.undefined({ error: 'scheduled statuses are not supported yet' }).optional(),
});

const editSchema = z.object({
  status: z.string().max(10_000).default(''),
  media_ids: mediaIds,
  spoiler_text: z.string().max(500).default(''),
  sensitive: formBoolean.default(false),
  language,
});

@Controller('/api/v1/statuses')
export class StatusesController {
  constructor(
    private readonly statuses: StatusesService,
    private readonly view: StatusView,
  ) {}

  @Post()
  @HttpCode(200)
  @Auth({ require: 'member', scope: 'write:statuses' })
  async create(
    @Token() token: MemberToken,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<StatusJson> {
    const input = parseInput(createSchema, body);
    if (
      idempotencyKey !== undefined &&
      (idempotencyKey.length === 0 || idempotencyKey.length > 255)
    ) {
      throw ApiError.invalid('Idempotency-Key', 'must be 1 to 255 characters');
    }
    const id = await this.statuses.create(token.accountId, {
      text: input.status,
      spoilerText: input.spoiler_text,
      sensitive: input.sensitive,
      visibility: input.visibility,
      language: input.language,
      inReplyToId: input.in_reply_to_id,
      mediaIds: input.media_ids ?? [],
      idempotencyKey,
    });
    return this.present(id, token.accountId);
  }

  @Get(':id')
  @Auth({ require: 'optional', scope: 'read:statuses' })
  show(@Param('id') id: string, @Token() token: AccessToken | undefined): Promise<StatusJson> {
    return this.present(parseId(id), token?.accountId ?? null);
  }

  @Put(':id')
  @Auth({ require: 'member', scope: 'write:statuses' })
  async edit(
    @Token() token: MemberToken,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<StatusJson> {
    const input = parseInput(editSchema, body);
    await this.statuses.edit(token.accountId, parseId(id), {
      text: input.status,
      spoilerText: input.spoiler_text,
      sensitive: input.sensitive,
      language: input.language,
      mediaIds: input.media_ids,
    });
    return this.present(id, token.accountId);
  }

  /** Returns the deleted status with its source `text`, so clients can offer "delete and redraft". */
  @Delete(':id')
  @Auth({ require: 'member', scope: 'write:statuses' })
  async remove(@Token() token: MemberToken, @Param('id') id: string): Promise<StatusJson> {
    const status = await this.present(parseId(id), token.accountId);
    const [source] = await this.view.sources([id]);
    await this.statuses.delete(token.accountId, id);
    return { ...status, text: source?.text ?? '' };
  }

  @Get(':id/source')
  @Auth({ require: 'app', scope: 'read:statuses' })
  async source(@Param('id') id: string, @Token() token: AccessToken) {
    const source = await this.view.source(parseId(id), token.accountId);
    if (!source) throw ApiError.notFound();
    return source;
  }

  @Get(':id/context')
  @Auth({ require: 'optional', scope: 'read:statuses' })
  async context(@Param('id') id: string, @Token() token: AccessToken | undefined) {
    const viewer = token?.accountId ?? null;
    await this.present(parseId(id), viewer);
    const [ancestors, descendants] = await Promise.all([
      this.view.page(
        `WITH RECURSIVE up(id, depth) AS (
           SELECT in_reply_to_id, 1 FROM statuses WHERE id = $2 AND in_reply_to_id IS NOT NULL
           UNION ALL
           SELECT p.in_reply_to_id, up.depth + 1 FROM up JOIN statuses p ON p.id = up.id
            WHERE p.in_reply_to_id IS NOT NULL AND up.depth < 40)
         SELECT s.id FROM statuses s JOIN up USING (id)
          WHERE ${VISIBLE_TO_VIEWER} AND ${NOT_FILTERED_FOR_VIEWER}`,
        [viewer, id],
        { ascending: true },
      ),
      this.view.page(
        `WITH RECURSIVE down(id, depth) AS (
           SELECT id, 1 FROM statuses WHERE in_reply_to_id = $2
           UNION ALL
           SELECT c.id, down.depth + 1 FROM down JOIN statuses c ON c.in_reply_to_id = down.id
            WHERE down.depth < 40)
         SELECT s.id FROM statuses s JOIN (SELECT id FROM down LIMIT 4096) d USING (id)
          WHERE ${VISIBLE_TO_VIEWER} AND ${NOT_FILTERED_FOR_VIEWER}`,
        [viewer, id],
        { ascending: true },
      ),
    ]);
    return { ancestors, descendants };
  }

  @Post(':id/favourite')
  @HttpCode(200)
  @Auth({ require: 'member', scope: 'write:favourites' })
  async favourite(@Token() token: MemberToken, @Param('id') id: string): Promise<StatusJson> {
    await this.statuses.favourite(token.accountId, parseId(id));
    return this.present(id, token.accountId);
  }

  @Post(':id/unfavourite')
  @HttpCode(200)
  @Auth({ require: 'member', scope: 'write:favourites' })
  async unfavourite(@Token() token: MemberToken, @Param('id') id: string): Promise<StatusJson> {
    await this.statuses.unfavourite(token.accountId, parseId(id));
    return this.present(id, token.accountId);
  }

  @Post(':id/reblog')
  @HttpCode(200)
  @Auth({ require: 'member', scope: 'write:statuses' })
  async reblog(
    @Token() token: MemberToken,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<StatusJson> {
    const { visibility } = parseInput(
      z.object({ visibility: z.enum(['public', 'unlisted', 'private']).default('public') }),
      body,
    );
    const reblogId = await this.statuses.reblog(token.accountId, parseId(id), visibility);
    return this.present(reblogId, token.accountId);
  }

  @Post(':id/unreblog')
  @HttpCode(200)
  @Auth({ require: 'member', scope: 'write:statuses' })
  async unreblog(@Token() token: MemberToken, @Param('id') id: string): Promise<StatusJson> {
    const originalId = await this.statuses.unreblog(token.accountId, parseId(id));
    return this.present(originalId, token.accountId);
  }

  private async present(id: string, viewerId: string | null): Promise<StatusJson> {
    const status = await this.view.one(id, viewerId);
    if (!status) throw ApiError.notFound();
    return status;
  }
}
