import { trace } from '@opentelemetry/api';
import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from './create-logger';
import { PinoNestLogger } from './nest-logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(
        ...chunk
          .toString()
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line)),
      );
      done();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  it('writes one JSON object per line with level, time and service', () => {
    const { lines, stream } = capture();
    createLogger({ service: 'api', level: 'info' }, stream).info({ user: 7 }, 'hello');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', service: 'api', msg: 'hello', user: 7 });
    expect(new Date(String(lines[0]?.time)).toString()).not.toBe('Invalid Date');
  });

  it('respects the level', () => {
    const { lines, stream } = capture();
    const logger = createLogger({ service: 'api', level: 'warn' }, stream);
    logger.info('dropped');
    logger.warn('kept');
    expect(lines.map((line) => line.msg)).toEqual(['kept']);
  });

  it('adds trace_id and span_id of the active span', () => {
    const { lines, stream } = capture();
    const logger = createLogger({ service: 'api', level: 'info' }, stream);
    const spanContext = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 };
    const active = vi
      .spyOn(trace, 'getActiveSpan')
      .mockReturnValue(trace.wrapSpanContext(spanContext));
    logger.info('inside');
    active.mockReturnValue(undefined);
    logger.info('outside');
    active.mockRestore();
    expect(lines[0]).toMatchObject({ trace_id: spanContext.traceId, span_id: spanContext.spanId });
    expect(lines[1]).not.toHaveProperty('trace_id');
  });

  it('redacts credentials in logged request headers', () => {
    const { lines, stream } = capture();
    createLogger({ service: 'api', level: 'info' }, stream).info({
      req: { headers: { authorization: 'Bearer secret', accept: 'json' } },
    });
    expect(lines[0]).toMatchObject({
      req: { headers: { authorization: '[redacted]', accept: 'json' } },
    });
  });
});

describe('PinoNestLogger', () => {
  it('keeps the Nest context and maps verbose to trace', () => {
    const { lines, stream } = capture();
    const logger = new PinoNestLogger(createLogger({ service: 'workers', level: 'trace' }, stream));
    logger.log('started', 'HousekeepingProcessor');
    logger.verbose('details', 'HousekeepingProcessor');
    logger.error('boom', 'Error: boom\n    at x', 'HousekeepingProcessor');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', msg: 'started', context: 'HousekeepingProcessor' }),
      expect.objectContaining({ level: 'trace', msg: 'details' }),
      expect.objectContaining({ level: 'error', msg: 'boom', stack: 'Error: boom\n    at x' }),
    ]);
  });
});
