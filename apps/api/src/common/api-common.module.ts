import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AccountView } from '../accounts/account.view';
import { RelationshipsView } from '../accounts/relationships.view';
import { Notifier } from '../notifications/notifier';
import { StatusView } from '../statuses/status.view';
import { ApiExceptionFilter } from './api-exception.filter';
import { AccessTokenGuard } from './auth/access-token.guard';
import { DatabaseAvailableGuard } from './database-available.guard';
import { PublicUrls } from './public-urls';

/** What every feature of the API shares: URLs, the read views, notifications, auth and errors. */
@Global()
@Module({
  providers: [
    PublicUrls,
    AccountView,
    StatusView,
    RelationshipsView,
    Notifier,
    // Order matters: no token lookup is attempted without a database.
    { provide: APP_GUARD, useClass: DatabaseAvailableGuard },
    { provide: APP_GUARD, useClass: AccessTokenGuard },
    { provide: APP_FILTER, useClass: ApiExceptionFilter },
  ],
  exports: [PublicUrls, AccountView, StatusView, RelationshipsView, Notifier],
})
export class ApiCommonModule {}
