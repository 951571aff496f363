export * from './federation-keys';
export * from './redis-kv.store';
