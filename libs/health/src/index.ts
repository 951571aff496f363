export * from './health.controller';
export * from './health.module';
export * from './health.tokens';
export * from './readiness-check';
export * from './shutdown-state';
