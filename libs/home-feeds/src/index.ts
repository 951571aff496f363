export * from './home-fanout';
export * from './home-feed-relay';
export * from './home-feed.store';
export * from './home-feeds.module';
export * from './home-timeline.sql';
export * from './home-timeline.reader';
export * from './home-feed-jobs';
