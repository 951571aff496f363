/**
 * Entry point kept free of Nest and of OpenTelemetry imports: `main.ts` calls it before anything
 * else is loaded, so the instrumentations can patch `http`, `pg` and `ioredis` when those are
 * first required. Without an endpoint nothing is loaded at all (no exporter, no overhead).
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
  const [{ NodeSDK }, { OTLPTraceExporter }, http, pg, ioredis] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-pg'),
    import('@opentelemetry/instrumentation-ioredis'),
  ]);
  const base = options.endpoint.endsWith('/') ? options.endpoint : `${options.endpoint}/`;
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    traceExporter: new OTLPTraceExporter({ url: new URL('v1/traces', base).toString() }),
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
  sdk.start();
  return { enabled: true, shutdown: () => sdk.shutdown() };
}
