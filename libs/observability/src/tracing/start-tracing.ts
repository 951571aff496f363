/**
 * Entry point kept free of Nest and of OpenTelemetry imports: `main.ts` calls it before anything
 * else is loaded, so the instrumentations can patch `http`, `pg` and `ioredis` when those are
 * first required. Without an endpoint nothing is loaded at all (no exporter, no overhead).
 *
 * The SDK is assembled from its parts (tracer provider, batch processor, OTLP/HTTP exporter,
 * context manager, W3C propagators) rather than `@opentelemetry/sdk-node`, which brings every
 * exporter (gRPC, Zipkin, Prometheus, logs, metrics) into each image: about 10 MB the services
 * never load.
 */
export interface Tracing {
  readonly enabled: boolean;
  shutdown(): Promise<void>;
}

const disabled: Tracing = { enabled: false, shutdown: async () => undefined };

export async function startTracing(options: {
  serviceName: string;
  endpoint: string | undefined;
}): Promise<Tracing> {
  if (!options.endpoint) return disabled;
  const [api, core, sdk, { AsyncLocalStorageContextManager }, { resourceFromAttributes }] =
    await Promise.all([
      import('@opentelemetry/api'),
      import('@opentelemetry/core'),
      import('@opentelemetry/sdk-trace'),
      import('@opentelemetry/context-async-hooks'),
      import('@opentelemetry/resources'),
    ]);
  const [{ OTLPTraceExporter }, { registerInstrumentations }, http, pg, ioredis] =
    await Promise.all([
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/instrumentation'),
      import('@opentelemetry/instrumentation-http'),
      import('@opentelemetry/instrumentation-pg'),
      import('@opentelemetry/instrumentation-ioredis'),
    ]);
  const base = options.endpoint.endsWith('/') ? options.endpoint : `${options.endpoint}/`;
  const exporter = new OTLPTraceExporter({ url: new URL('v1/traces', base).toString() });
  const provider = new sdk.TracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: [new sdk.BatchSpanProcessor({ exporter })],
  });
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  api.propagation.setGlobalPropagator(
    new core.CompositePropagator({
      propagators: [new core.W3CTraceContextPropagator(), new core.W3CBaggagePropagator()],
    }),
  );
  api.trace.setGlobalTracerProvider(provider);
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new http.HttpInstrumentation({
        // Probes and scrapes would drown real traffic in traces.
        ignoreIncomingRequestHook: (request) =>
          /^\/(health|ready|metrics)\b/.test(request.url ?? ''),
      }),
      new pg.PgInstrumentation({ requireParentSpan: true }),
      new ioredis.IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  return {
    enabled: true,
    shutdown: async () => {
      unregister();
      await provider.shutdown();
    },
  };
}
