export * from './migrated-database';
export * from './accounts.factory';
export * from './status.factory';
