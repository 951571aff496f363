/**
 * The integrity checks every drill runs on the database it recovered: acknowledged writes
 * present (against the load's ledger), no orphaned foreign keys, pg_amcheck (heap and B-tree
 * indexes) clean, and the denormalised counters equal to COUNT(*). Each problem is a finding;
 * any finding fails the drill.
 */
import pg from 'pg';
import type { AckedWrite, WriteKind } from './load.ts';
import { pgBinary } from './postgres.ts';

export interface Finding {
  check: string;
  detail: string;
}

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

/** Counter columns and the COUNT(*) each must equal (local rows: remote counters come from afar). */
const COUNTER_CHECKS: { name: string; sql: string }[] = [
  {
    name: 'accounts.statuses_count',
    sql: `SELECT a.id, a.statuses_count AS stored, count(s.id) AS counted FROM accounts a
            LEFT JOIN statuses s ON s.account_id = a.id WHERE a.domain IS NULL
           GROUP BY a.id HAVING a.statuses_count <> count(s.id)`,
  },
  {
    name: 'accounts.followers_count',
    sql: `SELECT a.id, a.followers_count AS stored, count(f.id) AS counted FROM accounts a
            LEFT JOIN follows f ON f.target_account_id = a.id WHERE a.domain IS NULL
           GROUP BY a.id HAVING a.followers_count <> count(f.id)`,
  },
  {
    name: 'accounts.following_count',
    sql: `SELECT a.id, a.following_count AS stored, count(f.id) AS counted FROM accounts a
            LEFT JOIN follows f ON f.account_id = a.id WHERE a.domain IS NULL
           GROUP BY a.id HAVING a.following_count <> count(f.id)`,
  },
  {
    name: 'statuses.favourites_count',
    sql: `SELECT s.id, s.favourites_count AS stored, count(f.id) AS counted FROM statuses s
            LEFT JOIN favourites f ON f.status_id = s.id WHERE s.local
           GROUP BY s.id HAVING s.favourites_count <> count(f.id)`,
  },
  {
    name: 'statuses.replies_count',
    sql: `SELECT s.id, s.replies_count AS stored, count(r.id) AS counted FROM statuses s
            LEFT JOIN statuses r ON r.in_reply_to_id = s.id WHERE s.local
           GROUP BY s.id HAVING s.replies_count <> count(r.id)`,
  },
  {
    name: 'statuses.reblogs_count',
    sql: `SELECT s.id, s.reblogs_count AS stored, count(r.id) AS counted FROM statuses s
            LEFT JOIN statuses r ON r.reblog_of_id = s.id WHERE s.local
           GROUP BY s.id HAVING s.reblogs_count <> count(r.id)`,
  },
];

/** Every single-column foreign key of the public schema, for the orphan check. */
const FOREIGN_KEYS_SQL = `
  SELECT c.conname, src.relname AS table, sa.attname AS column, dst.relname AS ref_table,
         da.attname AS ref_column
    FROM pg_constraint c
    JOIN pg_class src ON src.oid = c.conrelid
    JOIN pg_class dst ON dst.oid = c.confrelid
    JOIN pg_namespace n ON n.oid = src.relnamespace AND n.nspname = 'public'
    JOIN pg_attribute sa ON sa.attrelid = c.conrelid AND sa.attnum = c.conkey[1]
    JOIN pg_attribute da ON da.attrelid = c.confrelid AND da.attnum = c.confkey[1]
   WHERE c.contype = 'f' AND cardinality(c.conkey) = 1`;

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

export async function checkIntegrity(options: {
  /** URL of the recovered database (pg_amcheck gets the same connection string). */
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

    const { rows: keys } = await client.query<{
      conname: string;
      table: string;
      column: string;
      ref_table: string;
      ref_column: string;
    }>(FOREIGN_KEYS_SQL);
    for (const fk of keys) {
      const { rows } = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${ident(fk.table)} t
          WHERE t.${ident(fk.column)} IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM ${ident(fk.ref_table)} r WHERE r.${ident(fk.ref_column)} = t.${ident(fk.column)})`,
      );
      if (Number(rows[0]?.n) > 0)
        findings.push({ check: 'foreign keys', detail: `${fk.conname}: ${rows[0]?.n} orphans` });
    }
    checks.push(`foreign keys: ${keys.length} constraints, orphan rows counted`);

    for (const counter of COUNTER_CHECKS) {
      const { rows } = await client.query<{ id: string; stored: number; counted: string }>(
        counter.sql,
      );
      if (rows.length > 0)
        findings.push({
          check: 'counters',
          detail: `${counter.name}: ${rows.length} rows differ from COUNT(*) (e.g. id ${rows[0]?.id}: ${rows[0]?.stored} ≠ ${rows[0]?.counted})`,
        });
    }
    checks.push(`counters vs COUNT(*): ${COUNTER_CHECKS.map((c) => c.name).join(', ')}`);

    const { rows: tables } = await client.query<{ relname: string }>(
      `SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY relname`,
    );
    const rowCounts: Record<string, number> = {};
    for (const { relname } of tables) {
      const { rows } = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${ident(relname)}`,
      );
      rowCounts[relname] = Number(rows[0]?.n);
    }

    try {
      await pgBinary('pg_amcheck', ['--heapallindexed', '--install-missing', options.databaseUrl]);
    } catch (error) {
      findings.push({ check: 'pg_amcheck', detail: String(error).slice(0, 2_000) });
    }
    checks.push('pg_amcheck --heapallindexed (every heap and B-tree index)');
    return { findings, rowCounts, acknowledged, checks, durationMs: Date.now() - started };
  } finally {
    await client.end();
  }
}
