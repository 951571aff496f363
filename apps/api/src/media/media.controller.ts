import { Body, Controller, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { ApiError, ErrorCode } from '../common/api-error';
import type { MemberToken } from '../common/auth/access-token';
import { Auth, Token } from '../common/auth/auth.decorators';
import { parseId, parseInput } from '../common/validation';
import { UploadedFile } from '../http/request-bodies';
import {
  MEDIA_COLUMNS,
  MediaAttachmentView,
  type MediaAttachmentJson,
  type MediaRow,
} from './media-attachment.view';
import { PROCESSING_ABANDONED_MS } from './media-limits';
import { MediaService, type MediaDetails } from './media.service';

/** Mastodon's focal point: "x,y", each from -1.0 to 1.0. */
const focus = z
  .string()
  .regex(/^\s*-?\d+(\.\d+)?\s*,\s*-?\d+(\.\d+)?\s*$/, 'must be "x,y" with numbers from -1.0 to 1.0')
  .transform((value) => {
    const [x, y] = value.split(',').map(Number) as [number, number];
    return { x, y };
  })
  .refine(
    ({ x, y }) => Math.abs(x) <= 1 && Math.abs(y) <= 1,
    'must be "x,y" with numbers from -1.0 to 1.0',
  );

const details = {
  description: z.string().max(1_500).optional(),
  focus: focus.optional(),
};

const uploadSchema = z.object({
  file: z.instanceof(UploadedFile, { error: 'must be a file (multipart/form-data)' }),
  thumbnail: z.undefined({ error: 'custom thumbnails are not supported' }).optional(),
  ...details,
});

const updateSchema = z.object(details);

function detailsOf(input: {
  description?: string;
  focus?: { x: number; y: number };
}): MediaDetails {
  return { description: input.description, focus: input.focus };
}

/** Media uploads as Mastodon has them (`/api/v1/media`, `/api/v2/media`). */
@Controller()
export class MediaController {
  constructor(
    private readonly media: MediaService,
    private readonly view: MediaAttachmentView,
    private readonly db: DataSource,
  ) {}

  /** Processed before answering: 200 with the finished attachment. */
  @Post('/api/v1/media')
  @HttpCode(200)
  @Auth({ require: 'member', scope: 'write:media' })
  async uploadNow(
    @Token() token: MemberToken,
    @Body() body: unknown,
  ): Promise<MediaAttachmentJson> {
    const input = parseInput(uploadSchema, body);
    const id = await this.media.uploadNow(token.accountId, input.file, detailsOf(input));
    return this.present(token.accountId, id);
  }

  /** Checked, then processed after answering: 202 with `url: null` until it is done. */
  @Post('/api/v2/media')
  @HttpCode(202)
  @Auth({ require: 'member', scope: 'write:media' })
  async uploadLater(
    @Token() token: MemberToken,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MediaAttachmentJson> {
    const input = parseInput(uploadSchema, body);
    const id = await this.media.uploadLater(token.accountId, input.file, detailsOf(input));
    const [row] = await this.rows(token.accountId, id);
    // Small images may be done already; Mastodon answers 200 then too.
    if (row?.processing === 'processed') reply.status(200);
    return this.view.toJson(row!);
  }

  /** 206 while processing, 200 when done, 422 with the reason when processing failed. */
  @Get('/api/v1/media/:id')
  @Auth({ require: 'member', scope: 'write:media' })
  async show(
    @Token() token: MemberToken,
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MediaAttachmentJson> {
    const [row] = await this.rows(token.accountId, parseId(id));
    if (!row) throw ApiError.notFound();
    const abandoned =
      row.processing === 'processing' &&
      Date.now() - new Date(row.created_at).getTime() > PROCESSING_ABANDONED_MS;
    if (row.processing === 'failed' || abandoned) {
      throw new ApiError(
        ErrorCode.Unprocessable,
        row.processing_error ?? 'Media processing failed',
      );
    }
    if (row.processing === 'processing') reply.status(206);
    return this.view.toJson(row);
  }

  @Put('/api/v1/media/:id')
  @Auth({ require: 'member', scope: 'write:media' })
  async update(
    @Token() token: MemberToken,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<MediaAttachmentJson> {
    const input = parseInput(updateSchema, body);
    await this.media.update(token.accountId, parseId(id), detailsOf(input));
    return this.present(token.accountId, id);
  }

  private async present(accountId: string, id: string): Promise<MediaAttachmentJson> {
    const [row] = await this.rows(accountId, id);
    if (!row) throw ApiError.notFound();
    return this.view.toJson(row);
  }

  private rows(accountId: string, id: string): Promise<MediaRow[]> {
    return this.db.query(
      `SELECT ${MEDIA_COLUMNS} FROM media_attachments m WHERE m.id = $1 AND m.account_id = $2`,
      [id, accountId],
    );
  }
}
