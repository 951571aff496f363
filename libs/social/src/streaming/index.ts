export * from './stream-audience';
export * from './stream-channels';
export * from './stream-publisher';
export * from './stream-publisher.module';
