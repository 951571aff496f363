export * from './integrity-checks';
export * from './backup-verification';
