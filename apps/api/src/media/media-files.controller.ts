import { Controller, Get, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  IMMUTABLE_CACHE_CONTROL,
  isMediaKey,
  LOCAL_MEDIA_PATH,
  LocalMediaStorage,
  MediaStorage,
} from '@fediflow/media';
import { ApiError } from '../common/api-error';
import { PublicUrls } from '../common/public-urls';

/**
 * Media files at `/system/<key>` (LOCAL_MEDIA_PATH): where the local driver's URLs point and
 * where outbound Notes link media (libs/federation `mediaFileUri`). The four segments must form
 * a media key (MEDIA_KEY_PATTERN), so nothing but stored media is reachable; keys are never
 * reused, so responses may be cached forever. With S3 and MEDIA_PUBLIC_BASE_URL (CloudFront)
 * this answers with a permanent redirect to the file's public URL instead of the bytes.
 */
@Controller(LOCAL_MEDIA_PATH)
export class MediaFilesController {
  constructor(
    private readonly storage: MediaStorage,
    private readonly urls: PublicUrls,
  ) {}

  @Get(':collection/:owner/:upload/:file')
  async file(
    @Param() params: { collection: string; owner: string; upload: string; file: string },
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const key = `${params.collection}/${params.owner}/${params.upload}/${params.file}`;
    if (!isMediaKey(key)) throw ApiError.notFound('File');
    // Media with a public home of their own (S3 behind CloudFront) are loaded from there; the
    // disk, or S3 without one, is read through here (a CDN in front of the api may cache it).
    const publicUrl = this.storage.url(key);
    if (
      !(this.storage instanceof LocalMediaStorage) &&
      publicUrl !== this.urls.api(`${LOCAL_MEDIA_PATH}/${key}`)
    ) {
      await reply.header('cache-control', IMMUTABLE_CACHE_CONTROL).redirect(publicUrl, 301);
      return;
    }
    const stored = await this.storage.get(key);
    if (!stored) throw ApiError.notFound('File');
    await reply
      .header('content-type', stored.contentType)
      .header('cache-control', IMMUTABLE_CACHE_CONTROL)
      .header('x-content-type-options', 'nosniff')
      .send(stored.data);
  }
}
