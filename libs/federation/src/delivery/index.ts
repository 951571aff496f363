export * from './circuit-breaker';
export * from './delivery-failures';
export * from './delivery-gate';
export * from './delivery-outcomes';
export * from './permanent-failures';
