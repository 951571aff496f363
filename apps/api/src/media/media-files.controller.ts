import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  IMMUTABLE_CACHE_CONTROL,
  isMediaKey,
  LOCAL_MEDIA_PATH,
  LocalMediaStorage,
  MediaStorage,
} from '@fediflow/media';
import { ApiError } from '../common/api-error';
import { PublicUrls } from '../common/public-urls';
import { requestedRange } from './byte-range';

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
    @Req() request: FastifyRequest,
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
    const stored = await this.storage.stat(key);
    if (!stored) throw ApiError.notFound('File');
    const range = requestedRange(request.headers.range, stored.size);
    if (range === 'unsatisfiable') {
      await reply.status(416).header('content-range', `bytes */${stored.size}`).send();
      return;
    }
    const body = await this.storage.read(key, range);
    void reply
      .header('content-type', stored.contentType)
      .header('cache-control', IMMUTABLE_CACHE_CONTROL)
      .header('x-content-type-options', 'nosniff')
      // Browsers seek in video and audio (and Safari plays them only) with byte ranges.
      .header('accept-ranges', 'bytes');
    if (range) {
      void reply
        .status(206)
        .header('content-range', `bytes ${range.start}-${range.end}/${stored.size}`)
        .header('content-length', range.end - range.start + 1);
    } else {
      void reply.header('content-length', stored.size);
    }
    await reply.send(body);
  }
}
