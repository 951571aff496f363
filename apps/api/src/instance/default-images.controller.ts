import { Controller, Get, Header } from '@nestjs/common';
import { MISSING_AVATAR, MISSING_HEADER } from './default-images';

/**
 * The images every account without its own avatar or header points at (`PublicUrls`), at the
 * paths Mastodon uses, so clients show a placeholder instead of a broken image.
 */
@Controller()
export class DefaultImagesController {
  @Get('/avatars/original/missing.png')
  @Header('content-type', 'image/png')
  @Header('cache-control', 'public, max-age=604800')
  avatar(): Buffer {
    return MISSING_AVATAR;
  }

  @Get('/headers/original/missing.png')
  @Header('content-type', 'image/png')
  @Header('cache-control', 'public, max-age=604800')
  header(): Buffer {
    return MISSING_HEADER;
  }
}
