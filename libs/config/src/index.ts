export * from './env-schema';
export * from './env-spec';
export * from './load-config';
export * from './ssm-parameters';
