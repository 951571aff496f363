export * from './domain-blocks';
export * from './delivery';
export * from './federation-keys';
export * from './inbound-ordering';
export * from './outbound-http';
export * from './redis-kv.store';
export * from './redis-message.queue';
export * from './retry-backoff';
export * from './actor-keys';
export * from './fediflow-federation';
export * from './outbound-activities';
export * from './inbox';
export * from './instance-actor';
export * from './remote-text';
export * from './remote-lookup';
export * from './federation-core.module';
/** Test helper (a loopback remote server with a signing actor); inert unless used. */
export * from './remote-server.testing';
