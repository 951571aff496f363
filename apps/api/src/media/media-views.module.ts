import { Module } from '@nestjs/common';
import { MediaAttachmentView } from './media-attachment.view';

/** How media attachments read (Mastodon's MediaAttachment entity), for statuses and uploads. */
@Module({
  providers: [MediaAttachmentView],
  exports: [MediaAttachmentView],
})
export class MediaViewsModule {}
