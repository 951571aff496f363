import { Module } from '@nestjs/common';
import { TagView } from './tag.view';
import { TagsController } from './tags.controller';

/** Hashtags: reading, following and unfollowing them. */
@Module({
  controllers: [TagsController],
  providers: [TagView],
})
export class TagsModule {}
