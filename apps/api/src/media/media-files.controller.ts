import { Controller, Get, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { IMMUTABLE_CACHE_CONTROL, isMediaKey, MediaStorage } from '@fediflow/media';
import { ApiError } from '../common/api-error';

/**
 * Media files at `/system/<key>` (LOCAL_MEDIA_PATH), where the local driver's URLs point. The
 * four segments must form a media key (MEDIA_KEY_PATTERN), so nothing but stored media is
 * reachable; keys are never reused, so responses may be cached forever. With S3 clients load
 * from CloudFront instead, and this route reads through the same interface for old links.
 */
@Controller('/system')
export class MediaFilesController {
  constructor(private readonly storage: MediaStorage) {}

  @Get(':collection/:owner/:upload/:file')
  async file(
    @Param() params: { collection: string; owner: string; upload: string; file: string },
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const key = `${params.collection}/${params.owner}/${params.upload}/${params.file}`;
    const stored = isMediaKey(key) ? await this.storage.get(key) : undefined;
    if (!stored) throw ApiError.notFound('File');
    reply
      .header('content-type', stored.contentType)
      .header('cache-control', IMMUTABLE_CACHE_CONTROL)
      .header('x-content-type-options', 'nosniff');
    return stored.data;
  }
}
