import { Module } from '@nestjs/common';
import { AccountDirectoryModule } from '../accounts/account-directory';
import { StatusViewsModule } from '../statuses/status-views.module';
import { SearchController } from './search.controller';

/** Search of accounts, hashtags and statuses, resolving remote accounts when asked. */
@Module({
  imports: [AccountDirectoryModule, StatusViewsModule],
  controllers: [SearchController],
})
export class SearchModule {}
