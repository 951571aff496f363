import { Module } from '@nestjs/common';
import { SocialModule } from '@fediflow/social';
import { AccountViewsModule } from '../accounts/account-views.module';
import { ListsController } from './lists.controller';
import { ListsService } from './lists.service';

/** A member's lists of followed accounts. */
@Module({
  imports: [AccountViewsModule, SocialModule],
  controllers: [ListsController],
  providers: [ListsService],
})
export class ListsModule {}
