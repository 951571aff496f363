import { Module } from '@nestjs/common';
import { AppsController } from './apps.controller';
import { OAuthController } from './oauth.controller';
import { OAuthService } from './oauth.service';

@Module({
  controllers: [AppsController, OAuthController],
  providers: [OAuthService],
  exports: [OAuthService],
})
export class OAuthModule {}
