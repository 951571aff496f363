import { afterEach, describe, expect, it } from 'vitest';
import { createMetricsRegistry, HttpMetrics } from './metrics-registry';
import { startMetricsServer, type MetricsServer } from './metrics-server';

describe('metrics', () => {
  let server: MetricsServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  it('serves default and HTTP metrics on /metrics only', async () => {
    const registry = createMetricsRegistry('api');
    new HttpMetrics(registry).observe('GET', '/users/:id', 200, 0.012);
    server = await startMetricsServer({ registry, port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${server.port}`;

    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const body = await response.text();
    expect(body).toContain('process_resident_memory_bytes{service="api"}');
    expect(body).toMatch(
      /http_server_requests_seconds_bucket\{le="0.025",service="api",method="GET",route="\/users\/:id",status="200"\} 1/,
    );

    expect((await fetch(`${base}/health`)).status).toBe(404);
  });
});
