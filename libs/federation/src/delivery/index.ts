export * from './circuit-breaker';
export * from './delivery-failures';
export * from './delivery-gate';
export * from './delivery-outcomes';
export * from './direct-delivery';
export * from './permanent-failures';
