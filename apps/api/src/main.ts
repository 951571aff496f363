import { loadConfigOrExit } from '@fediflow/config';
import { startTracing } from '@fediflow/observability/tracing';

async function main(): Promise<void> {
  const config = loadConfigOrExit('api');
  // Tracing must patch http/pg/ioredis before Nest loads them, hence the dynamic imports below.
  const tracing = await startTracing({
    serviceName: 'fediflow-api',
    endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
  });
  const [{ runService }, { ApiModule }, { configureApiHttp }] = await Promise.all([
    import('@fediflow/bootstrap'),
    import('./app/api.module'),
    import('./http/configure-http'),
  ]);
  await runService({ config, tracing, imports: [ApiModule], configure: configureApiHttp });
}

main().catch((error: unknown) => {
  console.error('fediflow-api failed to start:', error);
  process.exit(1);
});
