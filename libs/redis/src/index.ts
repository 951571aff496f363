export * from './redis-connection';
export * from './redis.module';
export * from './redis-errors';
export * from './redis-epoch';
