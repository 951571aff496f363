/**
 * What synchronous replication costs per commit, measured on one primary in one run: single-row
 * INSERT commits with `synchronous_commit = local` (flush locally, as with asynchronous
 * replication) and `= on` (also wait for the synchronous standby's flush), alternating in rounds
 * so that the machine's noise hits both alike. Runs in the `postgres` database, away from the
 * data the integrity checks read.
 */
import pg from 'pg';
import type { PgCluster } from './postgres.ts';

export interface CommitLatency {
  mode: 'local' | 'on';
  commits: number;
  p50Ms: number;
  p95Ms: number;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

export async function measureCommitLatency(
  primary: PgCluster,
  rounds = 5,
  commitsPerRound = 40,
): Promise<CommitLatency[]> {
  const client = new pg.Client({ connectionString: primary.url('postgres') });
  await client.connect();
  try {
    await client.query('CREATE TABLE IF NOT EXISTS dr_commit_probe (id serial, at timestamptz)');
    const samples: Record<CommitLatency['mode'], number[]> = { local: [], on: [] };
    for (let round = 0; round < rounds; round++) {
      for (const mode of ['local', 'on'] as const) {
        await client.query(`SET synchronous_commit = ${mode}`);
        for (let n = 0; n < commitsPerRound; n++) {
          const started = performance.now();
          await client.query('INSERT INTO dr_commit_probe (at) VALUES (now())');
          samples[mode].push(performance.now() - started);
        }
      }
    }
    return (['local', 'on'] as const).map((mode) => {
      const sorted = samples[mode].sort((a, b) => a - b);
      return {
        mode,
        commits: sorted.length,
        p50Ms: Math.round(quantile(sorted, 0.5) * 100) / 100,
        p95Ms: Math.round(quantile(sorted, 0.95) * 100) / 100,
      };
    });
  } finally {
    await client.end();
  }
}
