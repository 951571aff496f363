import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** A registry with the process defaults (CPU, memory, event-loop lag, GC) labelled by service. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** Seconds; spans fast health checks to slow federation fetches. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** RED metrics of the HTTP server: rate and errors from the count, duration from the buckets. */
export class HttpMetrics {
  private readonly duration: Histogram<'method' | 'route' | 'status'>;

  constructor(registry: Registry) {
    this.duration = new Histogram({
      name: 'http_server_requests_seconds',
      help: 'Duration of HTTP requests handled, by method, route template and status code.',
      labelNames: ['method', 'route', 'status'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    });
  }

  /** `route` must be the template (`/users/:id`), never the raw URL, to bound label cardinality. */
  observe(method: string, route: string, status: number, seconds: number): void {
    this.duration.observe({ method, route, status: String(status) }, seconds);
  }
}
