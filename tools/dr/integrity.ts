/**
 * The integrity checks every drill runs on the database it recovered: acknowledged writes
 * present (against the load's ledger), then the checks the scheduled backup verification runs
 * too (libs/database checkDatabaseIntegrity: foreign keys, counters vs COUNT(*), amcheck). Each
 * problem is a finding; any finding fails the drill.
 */
import {
  checkDatabaseIntegrity,
  type IntegrityFinding,
} from '@fediflow/database/backup-verification';
import pg from 'pg';
import type { AckedWrite, WriteKind } from './load.ts';

export type Finding = IntegrityFinding;

export interface IntegrityResult {
  findings: Finding[];
  /** Rows per table in the recovered database. */
  rowCounts: Record<string, number>;
  /** Acknowledged writes checked / missing, by kind. */
  acknowledged: Record<WriteKind, { checked: number; missing: number }>;
  checks: string[];
  durationMs: number;
}

const PRESENCE_SQL: Record<WriteKind, string> = {
  status: `SELECT k FROM unnest($1::text[]) k WHERE NOT EXISTS (SELECT 1 FROM statuses WHERE id = k::bigint)`,
  favourite: `SELECT k FROM unnest($1::text[]) k WHERE NOT EXISTS (
                SELECT 1 FROM favourites WHERE account_id = split_part(k, ':', 1)::bigint
                                           AND status_id = split_part(k, ':', 2)::bigint)`,
  follow: `SELECT k FROM unnest($1::text[]) k WHERE NOT EXISTS (
             SELECT 1 FROM follows WHERE account_id = split_part(k, ':', 1)::bigint
                                     AND target_account_id = split_part(k, ':', 2)::bigint)`,
  'inbox-note': `SELECT k FROM unnest($1::text[]) k WHERE NOT EXISTS (SELECT 1 FROM statuses WHERE uri = k)`,
};

export async function checkIntegrity(options: {
  /** URL of the recovered database. */
  databaseUrl: string;
  /** Writes that must be present. */
  expected: AckedWrite[];
}): Promise<IntegrityResult> {
  const started = Date.now();
  const findings: Finding[] = [];
  const checks: string[] = [];
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    const acknowledged = {} as IntegrityResult['acknowledged'];
    for (const kind of Object.keys(PRESENCE_SQL) as WriteKind[]) {
      const keys = options.expected.filter((w) => w.kind === kind).map((w) => w.key);
      const { rows } = await client.query<{ k: string }>(PRESENCE_SQL[kind], [keys]);
      acknowledged[kind] = { checked: keys.length, missing: rows.length };
      if (rows.length > 0)
        findings.push({
          check: 'acknowledged writes',
          detail: `${rows.length} of ${keys.length} acknowledged ${kind} writes missing (e.g. ${rows
            .slice(0, 3)
            .map((r) => r.k)
            .join(', ')})`,
        });
    }
    checks.push('acknowledged writes present (ledger vs rows)');

    const database = await checkDatabaseIntegrity(client);
    findings.push(...database.findings);
    checks.push(...database.checks);
    const { rowCounts } = database;
    return { findings, rowCounts, acknowledged, checks, durationMs: Date.now() - started };
  } finally {
    await client.end();
  }
}
