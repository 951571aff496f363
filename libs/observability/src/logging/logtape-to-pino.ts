import { configureSync, type LogLevel as LogTapeLevel, type LogRecord } from '@logtape/logtape';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';

const PINO_METHOD: Record<LogTapeLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'> = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  warning: 'warn',
  error: 'error',
  fatal: 'fatal',
};

/** LogTape's message parts (template pieces interleaved with values) as one line of text. */
function messageText(record: LogRecord): string {
  return record.message
    .map((part, index) =>
      index % 2 === 0 ? String(part) : typeof part === 'string' ? part : JSON.stringify(part),
    )
    .join('');
}

/** Fields pino can serialise: an `error` property becomes pino's `err` (with its stack). */
function fields(record: LogRecord): Record<string, unknown> {
  const { error, ...rest } = record.properties as Record<string, unknown> & { error?: unknown };
  return {
    ...rest,
    ...(error instanceof Error ? { err: error } : error === undefined ? {} : { error }),
    logger: record.category.join('.'),
  };
}

/** A LogTape sink writing each record to pino at the matching level. */
export function pinoSink(logger: Logger): (record: LogRecord) => void {
  return (record) => logger[PINO_METHOD[record.level]](fields(record), messageText(record));
}

/** LogTape's lowest level for pino's current one (null: nothing, when pino is silent). */
function lowestLevel(logger: Logger): LogTapeLevel | null {
  const level = logger.level;
  if (level === 'silent') return null;
  if (level === 'warn') return 'warning';
  return (Object.keys(PINO_METHOD) as LogTapeLevel[]).find((key) => key === level) ?? 'info';
}

/**
 * Routes what Fedify (and LogTape's own meta logger) reports into the service's pino logger, so
 * its signature failures, delivery errors and exceptions reach the JSON log with levels (records
 * below pino's level are not even built). LogTape's configuration is global to
 * the process: the latest service to start wins (one per process outside tests).
 */
export function routeLogTapeToPino(logger: Logger): void {
  const lowest = lowestLevel(logger);
  configureSync({
    reset: true,
    // Fedify tags its records with the request/activity via LogTape's implicit contexts; without
    // a store LogTape's meta logger warns on every such record (thousands a minute in a worker).
    contextLocalStorage: new AsyncLocalStorage(),
    sinks: { pino: pinoSink(logger) },
    loggers: [
      { category: ['fedify'], sinks: ['pino'], lowestLevel: lowest },
      { category: ['logtape', 'meta'], sinks: ['pino'], lowestLevel: 'warning' },
    ],
  });
}
