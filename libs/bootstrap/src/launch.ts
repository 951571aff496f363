import { setSourceMapsSupport } from 'node:module';
import { loadConfigOrExit, type ServiceConfig, type ServiceName } from '@fediflow/config';
import { startTracing } from '@fediflow/observability/tracing';
import type { createServiceApp } from './create-service-app';

type ServiceParts = Omit<Parameters<typeof createServiceApp>[0], 'config'>;

/**
 * Every `main.ts`: validate the environment (exit 1 naming bad variables), start tracing, and
 * only then load Nest and the service's modules — so OpenTelemetry can patch http, pg and ioredis
 * before they are first required. This file must not import Nest statically.
 */
export function launchService<S extends ServiceName>(
  service: S,
  loadParts: (config: ServiceConfig<S>) => Promise<ServiceParts>,
): void {
  // Stack traces point into our sources, not the bundles. Not `--enable-source-maps`: that also
  // parses and keeps the source maps of every package in node_modules (≈ 15 MiB of the api's
  // idle RSS, docs/benchmarks.md); their frames stay as they are. Enabled here, before the
  // chunks and packages load, because every service starts here.
  setSourceMapsSupport(true, { nodeModules: false });
  const start = async () => {
    const config = loadConfigOrExit(service);
    const tracing = await startTracing({
      serviceName: `fediflow-${service}`,
      endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    });
    const [{ runService }, parts] = await Promise.all([import('./run-service'), loadParts(config)]);
    await runService({ ...parts, config, tracing });
  };
  start().catch((error: unknown) => {
    console.error(`fediflow-${service} failed to start:`, error);
    process.exit(1);
  });
}
