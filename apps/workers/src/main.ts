import { loadConfigOrExit } from '@fediflow/config';
import { startTracing } from '@fediflow/observability/tracing';

async function main(): Promise<void> {
  const config = loadConfigOrExit('workers');
  // Tracing must patch http/pg/ioredis before Nest loads them, hence the dynamic imports below.
  const tracing = await startTracing({
    serviceName: 'fediflow-workers',
    endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
  });
  const [{ runService }, { WorkersModule, QueueConsumersCheck }] = await Promise.all([
    import('@fediflow/bootstrap'),
    import('./app/workers.module'),
  ]);
  await runService({
    config,
    tracing,
    imports: [WorkersModule],
    readinessChecks: [QueueConsumersCheck],
  });
}

main().catch((error: unknown) => {
  console.error('fediflow-workers failed to start:', error);
  process.exit(1);
});
