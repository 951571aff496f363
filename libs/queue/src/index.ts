export * from './digest.jobs';
export * from './federation-queue';
export * from './housekeeping.jobs';
export * from './queue-metrics';
export * from './queue-names';
export * from './queue-settings';
export * from './queue.module';
export * from './retry-policy';
