/** Helpers the scenarios share: percentiles, waiting for the inbox queue, the RTO window. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { PgCluster } from '../postgres.ts';
import { WriteLoad, type Ledger } from '../load.ts';
import { DATABASE, type DrillEnvironment, type Progress } from '../environment.ts';

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** First failed API write at or after `from`, and the first acknowledged write after it. */
export function outageWindow(
  ledger: Ledger,
  from: number,
): { firstFailure?: number; firstSuccess?: number; failures: number } {
  const apiFailures = ledger.failed.filter((f) => f.kind !== 'inbox-note' && f.at >= from);
  const firstFailure = apiFailures.reduce<number | undefined>(
    (min, f) => (min === undefined || f.at < min ? f.at : min),
    undefined,
  );
  if (firstFailure === undefined) return { failures: 0 };
  const firstSuccess = ledger.acked
    .filter((w) => w.kind !== 'inbox-note' && w.sentAt > firstFailure)
    .reduce<number | undefined>(
      (min, w) => (min === undefined || w.ackedAt < min ? w.ackedAt : min),
      undefined,
    );
  return { firstFailure, firstSuccess, failures: apiFailures.length };
}

/** Waits (up to `timeoutMs`) until the workers have stored every acknowledged inbox note. */
export async function waitForInboxNotes(
  cluster: PgCluster,
  uris: string[],
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await cluster.query<{ n: string }>(
      'SELECT count(*) AS n FROM statuses WHERE uri = ANY($1::text[])',
      [uris],
      DATABASE,
    );
    const stored = Number(rows[0]?.n);
    if (stored >= uris.length || Date.now() > deadline) return stored;
    await sleep(500);
  }
}

/** What every drill is told: how long and how hard to load, and whether to keep its files. */
export interface DrillOptions {
  /** Seconds of write load the drill runs. */
  loadSeconds: number;
  members: number;
  writers: number;
  keep: boolean;
  /** Where the services' logs are kept (none when unset). */
  logDir?: string;
  progress: Progress;
}

/** The drills' write load on `env`: API writers 20 ms apart, and `inboxRate` peer notes a second. */
export function writeLoadOn(
  env: DrillEnvironment,
  options: Pick<DrillOptions, 'members' | 'writers'>,
  inboxRate: number,
): WriteLoad {
  return new WriteLoad(
    {
      apiBase: env.services.api.base,
      federationBase: env.services.federation.base,
      members: options.members,
      writers: options.writers,
      pauseMs: 20,
      inboxRate,
      peer: env.peer,
    },
    env.members,
  );
}

export const seconds = (ms: number) => Math.round(ms / 10) / 100;

/** Counts of the ledger, for the observations. */
export function ledgerSummary(ledger: Ledger): string {
  const byKind = new Map<string, number>();
  for (const w of ledger.acked) byKind.set(w.kind, (byKind.get(w.kind) ?? 0) + 1);
  const failures = new Map<string, number>();
  for (const f of ledger.failed) failures.set(f.outcome, (failures.get(f.outcome) ?? 0) + 1);
  return (
    `acknowledged: ${[...byKind].map(([k, n]) => `${n} ${k}`).join(', ') || 'none'}; ` +
    `failed: ${[...failures].map(([k, n]) => `${n}× ${k}`).join(', ') || 'none'}`
  );
}
