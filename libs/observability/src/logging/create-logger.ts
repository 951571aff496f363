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
 * `asyncStdout` (long-running services): lines are written to stdout asynchronously, so lines
 * logged while a write is under way go out together in the next one, instead of one blocking
 * `write` per line — the access log's synchronous write was 10 % of the api's CPU serving the
 * public timeline. Idle, a line still goes out at once; on exit pino flushes what is left. Not
 * for short-lived processes that may be frozen between calls (Lambda), where a line would wait.
 */
export function createLogger(
  options: { service: string; level: LogLevel; asyncStdout?: boolean },
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
  const stream =
    destination ?? (options.asyncStdout ? pino.destination({ dest: 1, sync: false }) : undefined);
  return stream ? pino(settings, stream) : pino(settings);
}
