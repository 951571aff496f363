import { Module } from '@nestjs/common';
import { SocialModule } from '@fediflow/social';
import { AccountViewsModule } from '../accounts/account-views.module';
import { RelationsController } from './relations.controller';
import { RelationsService } from './relations.service';

/** Blocks, mutes and a member's own domain blocks. */
@Module({
  imports: [AccountViewsModule, SocialModule],
  controllers: [RelationsController],
  providers: [RelationsService],
})
export class RelationsModule {}
