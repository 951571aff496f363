import { Module } from '@nestjs/common';
import { AccountView } from './account.view';
import { RelationshipsView } from './relationships.view';

/** How accounts read (Mastodon's Account and Relationship entities), for every feature showing them. */
@Module({
  providers: [AccountView, RelationshipsView],
  exports: [AccountView, RelationshipsView],
})
export class AccountViewsModule {}
