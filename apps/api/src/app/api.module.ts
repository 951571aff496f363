import { Module } from '@nestjs/common';

/**
 * The member REST API. Its features (accounts, statuses, timelines, OAuth) arrive as feature
 * modules imported here; the operational surface comes from `@fediflow/bootstrap`.
 */
@Module({})
export class ApiModule {}
