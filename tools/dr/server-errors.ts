/**
 * "Never a 500", checked by the drills: every 5xx a write got other than the deliberate 503, with
 * the service's log line for it (the load sends its own `x-request-id`, which the services log as
 * `req_id` with the stack of an unhandled error), and every request error a service logged that
 * no failed write accounts for. Also keeps the services' own output next to the report.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FailedWrite, Ledger } from './load.ts';
import { SERVICES, type Service } from '@fediflow/testing';
import type { Services } from './services.ts';

export interface ServerError {
  service: Service;
  /** The write that got the 5xx; absent for a logged request error no failed write matches. */
  write?: Pick<FailedWrite, 'kind' | 'outcome' | 'requestId'> & { at: string };
  /** What the service logged for it: the message and the error's class, message and stack. */
  log?: { time?: string; msg?: string; type?: string; message?: string; stack?: string };
}

/** pino's `err` serialisation. */
interface LoggedError {
  type?: string;
  message?: string;
  stack?: string;
}

const isServerError = (write: FailedWrite) =>
  /^HTTP 5\d\d$/.test(write.outcome) && write.outcome !== 'HTTP 503';

export function serverErrors(ledger: Ledger, services: Services): ServerError[] {
  const errorLines = new Map(
    SERVICES.map((name) => [
      name,
      services[name].process
        .jsonLines()
        .filter((line) => line['level'] === 'error' && typeof line['req_id'] === 'string'),
    ]),
  );
  const matched = new Set<Record<string, unknown>>();
  const found: ServerError[] = [];
  for (const write of ledger.failed.filter(isServerError)) {
    const service: Service = write.kind === 'inbox-note' ? 'federation' : 'api';
    const line = errorLines.get(service)?.find((l) => l['req_id'] === write.requestId);
    if (line) matched.add(line);
    found.push({
      service,
      write: {
        kind: write.kind,
        outcome: write.outcome,
        requestId: write.requestId,
        at: new Date(write.at).toISOString(),
      },
      log: line && logOf(line),
    });
  }
  for (const [service, lines] of errorLines)
    for (const line of lines) if (!matched.has(line)) found.push({ service, log: logOf(line) });
  return found;
}

function logOf(line: Record<string, unknown>): ServerError['log'] {
  const err = (line['err'] ?? {}) as LoggedError;
  return {
    time: line['time'] as string | undefined,
    msg: line['msg'] as string | undefined,
    type: err.type,
    message: err.message,
    stack: err.stack,
  };
}

/** Writes each service's stdout/stderr (pino JSON lines) to `<dir>/<service>.log`. */
export function writeServiceLogs(services: Services, dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const name of SERVICES)
    writeFileSync(join(dir, `${name}.log`), `${services[name].process.output.join('\n')}\n`);
}
