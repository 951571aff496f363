export * from './create-service-app';
export * from './run-service';
export * from './service-module';
export * from './cors';
