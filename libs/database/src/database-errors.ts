import { QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';

/**
 * Whether an error means "PostgreSQL is unreachable or too slow right now" (answer 503 and let
 * the client retry) rather than a bug (500). Server-side causes have SQLSTATEs; the pg driver's
 * own client-side failures (connect and read timeouts, a dropped socket) carry only a message or
 * a Node socket code, so those are recognised by the driver's fixed wording.
 *
 * A connection lost *between* two queries of a transaction (typically just before its COMMIT)
 * surfaces differently: TypeORM releases the transaction's query runner as soon as its pg client
 * reports the error, and the next statement throws QueryRunnerAlreadyReleasedError (or, through
 * `EntityManager.query`, QueryRunnerProviderAlreadyReleasedError), which keeps no cause. Services
 * never release a query runner by hand (transactions go through `DataSource.transaction`), so
 * those errors mean the connection died.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let cause = error, depth = 0; cause && depth < 4; depth++) {
    if (
      cause instanceof QueryRunnerAlreadyReleasedError ||
      cause instanceof QueryRunnerProviderAlreadyReleasedError
    )
      return true;
    const candidate = cause as { code?: unknown; message?: unknown; driverError?: unknown };
    const code = typeof candidate.code === 'string' ? candidate.code : undefined;
    if (code && (UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08'))) return true;
    if (code && SOCKET_CODES.has(code)) return true;
    if (typeof candidate.message === 'string' && DRIVER_MESSAGES.test(candidate.message))
      return true;
    // TypeORM's QueryFailedError keeps the driver's error.
    cause = candidate.driverError ?? (cause as { cause?: unknown }).cause;
  }
  return false;
}

/** statement_timeout, admin/crash shutdown, cannot connect now, too many connections. */
const UNAVAILABLE_SQLSTATES = new Set(['57014', '57P01', '57P02', '57P03', '53300']);
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);
const DRIVER_MESSAGES =
  /^(Query read timeout|timeout exceeded when trying to connect|Connection terminated( unexpectedly| due to connection timeout)?|Client has encountered a connection error and is not queryable)$/;
