import { trace } from '@opentelemetry/api';
import { pino, type Logger, type LoggerOptions } from 'pino';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Adds the active span's ids to every line so logs and traces join up (Fluent Bit keeps them). */
function traceFields(): Record<string, string> {
  const context = trace.getActiveSpan()?.spanContext();
  return context ? { trace_id: context.traceId, span_id: context.spanId } : {};
}

/**
 * One JSON object per line on stdout: `level` as a word, ISO `time`, `service` on every line.
 *
 * `bufferedStdout` (long-running services): lines are collected and written ≥ 4 KiB at a time,
 * and at least every `FLUSH_INTERVAL_MS`, instead of one blocking `write` per line — the access
 * log's write was 10–13 % of the api's CPU serving the public timeline (an async write per line
 * still cost 13 % on the loaded machine: it is the syscall per line). At most that long a line
 * waits; on exit pino flushes what is left. Not for processes that may be frozen between calls
 * (Lambda), where a line would wait for the next call.
 */
export function createLogger(
  options: { service: string; level: LogLevel; bufferedStdout?: boolean },
  destination?: pino.DestinationStream,
): Logger {
  const settings: LoggerOptions = {
    level: options.level,
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: traceFields,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
  };
  const stream = destination ?? (options.bufferedStdout ? bufferedStdout() : undefined);
  return stream ? pino(settings, stream) : pino(settings);
}

const FLUSH_INTERVAL_MS = 250;

function bufferedStdout(): pino.DestinationStream {
  const stream = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  setInterval(() => {
    try {
      stream.flush();
    } catch {
      // stdout is gone (closed pipe): nothing to flush to, and no reason to crash.
    }
  }, FLUSH_INTERVAL_MS).unref();
  return stream;
}
