export * from './logging/create-logger';
export * from './logging/nest-logger';
export * from './metrics/metrics-registry';
export * from './metrics/metrics-server';
export * from './metrics/metrics.module';
export * from './tracing/start-tracing';
export * from './logging/logtape-to-pino';
