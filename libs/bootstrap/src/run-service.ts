import type { Tracing } from '@fediflow/observability';
import { createServiceApp } from './create-service-app';

type ServiceAppOptions = Parameters<typeof createServiceApp>[0];

/**
 * What each `main.ts` calls: start the service, then stop it gracefully on SIGTERM/SIGINT.
 * Exit code 0 after a clean drain, 1 when draining overran the grace period or start-up failed.
 */
export async function runService(options: ServiceAppOptions & { tracing: Tracing }): Promise<void> {
  const started = Date.now();
  const service = await createServiceApp(options);
  const { logger } = service;

  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled promise rejection');
    process.exit(1);
  });

  const stop = (reason: string) => {
    service
      .shutdown(reason)
      .then(() => options.tracing.shutdown())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown did not finish cleanly');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));

  const { port, metricsPort } = await service.listen();
  logger.info(
    {
      port,
      metrics_port: metricsPort ?? null,
      tracing: options.tracing.enabled,
      startup_ms: Date.now() - started,
    },
    `${options.config.service} listening`,
  );
}
