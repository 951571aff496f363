export * from './child-process';
export * from './free-port';
export * from './isolated-database';
export * from './isolated-infrastructure';
export * from './isolated-redis';
export * from './redis-server-process';
export * from './test-servers';
export * from './wait-for';
