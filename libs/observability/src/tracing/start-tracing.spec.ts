import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracing } from './start-tracing';

/** A stand-in OTLP/HTTP collector: records the path and content type of each export. */
function collector(): Promise<{ server: Server; url: string; exports: IncomingMessage[] }> {
  const exports: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    exports.push(req);
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        exports,
      }),
    ),
  );
}

describe('startTracing', () => {
  let otlp: Awaited<ReturnType<typeof collector>>;
  beforeAll(async () => {
    otlp = await collector();
  });
  afterAll(() => otlp.server.close());

  it('loads nothing and exports nothing without an endpoint', async () => {
    const tracing = await startTracing({ serviceName: 'test', endpoint: undefined });
    expect(tracing.enabled).toBe(false);
    await tracing.shutdown();
  });

  it('exports spans of a traced request to <endpoint>/v1/traces on shutdown', async () => {
    const tracing = await startTracing({ serviceName: 'test', endpoint: `${otlp.url}/otlp` });
    expect(tracing.enabled).toBe(true);
    const span = trace.getTracer('spec').startSpan('manual');
    span.end();
    expect(span.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.spanContext().traceId).not.toBe('0'.repeat(32));
    await tracing.shutdown();
    expect(otlp.exports.map((req) => [req.method, req.url])).toContainEqual([
      'POST',
      '/otlp/v1/traces',
    ]);
  });
});
