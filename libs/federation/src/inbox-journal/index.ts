export * from './journaled-message.queue';
