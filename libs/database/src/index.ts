export * from './data-source';
export * from './database-connector';
export * from './database.module';
export * from './delete-in-batches';
export * from './entities';
export * from './run-migrations';
export { migrations } from './migrations';
export * from './sql-results';
export * from './database-errors';
