import { Module } from '@nestjs/common';
import { AppsController } from './apps.controller';
import { OAuthController } from './oauth.controller';
import { OAuthService } from './oauth.service';
import { WebSessions } from './web-session';

@Module({
  controllers: [AppsController, OAuthController],
  providers: [OAuthService, WebSessions],
  exports: [OAuthService],
})
export class OAuthModule {}
