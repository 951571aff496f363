export * from './federation-keys';
export * from './lua-script';
export * from './redis-kv.store';
export * from './redis-message.queue';
export * from './sqs-message.queue';
