import { loadConfigOrExit } from '@fediflow/config';
import { startTracing } from '@fediflow/observability/tracing';

async function main(): Promise<void> {
  const config = loadConfigOrExit('federation');
  // Tracing must patch http/pg/ioredis before Nest loads them, hence the dynamic imports below.
  const tracing = await startTracing({
    serviceName: 'fediflow-federation',
    endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
  });
  const [{ runService }, { FederationModule, FederationStatusCheck }, { configureFederationHttp }] =
    await Promise.all([
      import('@fediflow/bootstrap'),
      import('./app/federation.module'),
      import('./http/federation-http'),
    ]);
  await runService({
    config,
    tracing,
    imports: [FederationModule],
    readinessChecks: [FederationStatusCheck],
    configure: configureFederationHttp,
  });
}

main().catch((error: unknown) => {
  console.error('fediflow-federation failed to start:', error);
  process.exit(1);
});
