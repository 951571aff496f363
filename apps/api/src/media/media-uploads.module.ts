import { Module } from '@nestjs/common';
import { MediaFilesController } from './media-files.controller';
import { MediaProcessingRunner } from './media-processing.runner';
import { MediaViewsModule } from './media-views.module';
import { MediaController } from './media.controller';
import { MediaService } from './media.service';

/** Uploads (`/api/v{1,2}/media`) and the files the local storage serves (`/system/...`). */
@Module({
  imports: [MediaViewsModule],
  controllers: [MediaController, MediaFilesController],
  providers: [MediaService, MediaProcessingRunner],
  exports: [MediaService],
})
export class MediaUploadsModule {}
