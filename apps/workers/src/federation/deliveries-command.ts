import type {
  OpenCircuit,
  PendingFollowRequest,
  RecordedDeliveryFailure,
} from '@fediflow/federation';
import { parseArgs } from 'node:util';

export const DELIVERIES_USAGE = `Usage:
  deliveries failed [--host <host>] [--limit <n>] [--json]   failed deliveries, newest first
  deliveries circuits [--json]                               hosts whose circuit is open
  deliveries follows [--limit <n>] [--json]                  members' unanswered follow requests
                                                             to remote accounts, oldest first`;

/** Where the command reads from: the workers' PostgreSQL table and Redis circuits. */
export interface DeliveriesSources {
  failed(options: { host?: string; limit: number }): Promise<RecordedDeliveryFailure[]>;
  openCircuits(): Promise<OpenCircuit[]>;
  pendingFollows(options: { limit: number }): Promise<PendingFollowRequest[]>;
}

/** Thrown for a command line that cannot be run; the message says why. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Runs `argv` (without node and script) against `sources`; returns what to print. */
export async function runDeliveriesCommand(
  argv: readonly string[],
  sources: DeliveriesSources,
  now: Date = new Date(),
): Promise<string> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        host: { type: 'string' },
        limit: { type: 'string', default: '50' },
        json: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { positionals, values } = parsed;
  const [command, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    throw new UsageError('--limit must be a whole number from 1 to 10000');
  }
  if (command === 'failed') {
    const rows = await sources.failed({ host: values.host, limit });
    if (values.json) return JSON.stringify(rows, null, 2);
    if (rows.length === 0) return 'no failed deliveries';
    return table(
      ['last failed', 'host', 'status', 'attempts', 'permanent', 'activity', 'inbox', 'error'],
      rows.map((row) => [
        row.lastFailedAt.toISOString(),
        row.host,
        row.lastStatus === null ? '-' : String(row.lastStatus),
        String(row.attempts),
        row.permanent ? 'yes' : 'no',
        `${shortType(row.activityType)} ${row.activityId}`,
        row.inboxUrl,
        row.lastError.replace(/\s+/g, ' ').slice(0, 120),
      ]),
    );
  }
  if (command === 'circuits') {
    if (values.host !== undefined) throw new UsageError('circuits takes no --host');
    const circuits = await sources.openCircuits();
    if (values.json) return JSON.stringify(circuits, null, 2);
    if (circuits.length === 0) return 'no open circuits';
    return table(
      ['host', 'failures', 'opened', 'next probe', 'cool-down', 'probing'],
      circuits.map((circuit) => [
        circuit.host,
        String(circuit.failures),
        circuit.openedAt.toISOString(),
        circuit.retryAt.toISOString(),
        `${Math.round(circuit.cooldownMs / 1_000)} s`,
        circuit.probing ? 'yes' : 'no',
      ]),
    );
  }
  if (command === 'follows') {
    if (values.host !== undefined) throw new UsageError('follows takes no --host');
    const pending = await sources.pendingFollows({ limit });
    if (values.json) return JSON.stringify(pending, null, 2);
    if (pending.length === 0) return 'no pending follow requests';
    return table(
      ['requested', 'age', 'follower', 'target', 're-sent', 'last sent', 'next re-send'],
      pending.map((request) => [
        request.requestedAt.toISOString(),
        age(now.getTime() - request.requestedAt.getTime()),
        request.follower,
        request.target,
        String(request.resends),
        request.lastSentAt.toISOString(),
        request.nextResendAt ? request.nextResendAt.toISOString() : 'gave up',
      ]),
    );
  }
  throw new UsageError(
    command === undefined ? 'a command is required' : `unknown command "${command}"`,
  );
}

/** `93 784 000` ms → `1d 2h`, `3 000 000` → `50m`. */
function age(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const [days, hours] = [Math.floor(minutes / 1_440), Math.floor((minutes % 1_440) / 60)];
  if (days > 0) return `${days}d ${hours}h`;
  return hours > 0 ? `${hours}h ${minutes % 60}m` : `${minutes}m`;
}

/** `https://www.w3.org/ns/activitystreams#Follow` → `Follow`. */
function shortType(type: string): string {
  return type.slice(type.lastIndexOf('#') + 1);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
