export * from './digest.jobs';
export * from './home-feed.jobs';
export * from './housekeeping.jobs';
export * from './queue-metrics';
export * from './queue-names';
export * from './queue-settings';
export * from './queue.module';
