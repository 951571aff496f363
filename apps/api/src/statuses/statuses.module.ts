import { Module } from '@nestjs/common';
import { SocialModule } from '@fediflow/social';
import { MediaUploadsModule } from '../media/media-uploads.module';
import { StatusInteractionsController } from './status-interactions.controller';
import { StatusMarksController } from './status-marks.controller';
import { StatusMarksService } from './status-marks.service';
import { StatusViewsModule } from './status-views.module';
import { StatusesController } from './statuses.controller';
import { StatusesService } from './statuses.service';

/** Posting, reading and deleting statuses; favourites, reblogs, bookmarks, mutes, pins. */
@Module({
  imports: [StatusViewsModule, SocialModule, MediaUploadsModule],
  controllers: [StatusesController, StatusInteractionsController, StatusMarksController],
  providers: [StatusesService, StatusMarksService],
})
export class StatusesModule {}
