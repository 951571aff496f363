export * from './federation-keys';
export * from './redis-kv.store';
export * from './redis-message.queue';
export * from './retry-backoff';
export * from './actor-keys';
