import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DOMAIN_ERROR_MAPPER } from '@fediflow/bootstrap';
import { mapApiError } from './api-error-mapper';
import { AccessTokenLookup } from './auth/access-token-lookup';
import { AccessTokenGuard } from './auth/access-token.guard';
import { PublicUrls } from './public-urls';

/**
 * What every feature of the API shares and no feature owns: URLs, auth, and its domain errors for
 * the service's exception filter (a PostgreSQL outage is answered before any guard). It depends
 * on no feature (common-boundary.spec.ts); features share their views through their own modules.
 */
@Global()
@Module({
  providers: [
    PublicUrls,
    AccessTokenLookup,
    { provide: APP_GUARD, useClass: AccessTokenGuard },
    { provide: DOMAIN_ERROR_MAPPER, useValue: mapApiError },
  ],
  exports: [PublicUrls, AccessTokenLookup, DOMAIN_ERROR_MAPPER],
})
export class ApiCommonModule {}
