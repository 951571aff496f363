import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DOMAIN_ERROR_MAPPER } from '@fediflow/bootstrap';
import { SocialModule } from '@fediflow/social';
import { AccountView } from '../accounts/account.view';
import { RelationshipsView } from '../accounts/relationships.view';
import { StatusView } from '../statuses/status.view';
import { mapApiError } from './api-error-mapper';
import { AccessTokenGuard } from './auth/access-token.guard';
import { PublicUrls } from './public-urls';

/**
 * What every feature of the API shares: URLs, the read views, the social-write layer (a global
 * module), auth, and its domain errors for the service's exception filter (a PostgreSQL outage is
 * answered before any guard).
 */
@Global()
@Module({
  imports: [SocialModule],
  providers: [
    PublicUrls,
    AccountView,
    StatusView,
    RelationshipsView,
    { provide: APP_GUARD, useClass: AccessTokenGuard },
    { provide: DOMAIN_ERROR_MAPPER, useValue: mapApiError },
  ],
  exports: [PublicUrls, AccountView, StatusView, RelationshipsView, DOMAIN_ERROR_MAPPER],
})
export class ApiCommonModule {}
