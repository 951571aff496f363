export * from './circuit-breaker';
export * from './delivery-failures';
export * from './delivery-gate';
export * from './delivery-outcomes';
export * from './permanent-failures';
/** Test helper (a loopback remote inbox with scripted answers); inert unless used. */
export * from './faulty-remote.testing';
