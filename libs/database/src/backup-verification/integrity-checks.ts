/**
 * The integrity checks of a restored (or recovered) FediFlow database, shared by the DR drills
 * (tools/dr) and the scheduled backup verification of the workers image (`backup-verify.js`):
 * no orphaned foreign keys, the denormalised counters equal to COUNT(*), and amcheck (every heap
 * and B-tree index, with `heapallindexed`). Plain SQL on one connection, so it runs in the
 * service image (no PostgreSQL client binaries) and on RDS (amcheck is a supported extension).
 * Each problem is a finding; any finding fails the verification.
 */

/** Satisfied by `pg.Client` and `pg.Pool`. */
export interface IntegrityQueryable {
  query<R extends object>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

export interface IntegrityFinding {
  check: string;
  detail: string;
}

export interface DatabaseIntegrity {
  findings: IntegrityFinding[];
  /** What was checked, one line each. */
  checks: string[];
  /** Rows per table of the public schema. */
  rowCounts: Record<string, number>;
}

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

// What pg_amcheck --heapallindexed checks: every permanent table, materialised view and TOAST
// table (verify_heapam), and every valid B-tree index with all heap tuples found in it.
const HEAPS_SQL = `
  SELECT c.oid::regclass::text AS name FROM pg_class c
   WHERE c.relkind IN ('r', 'm', 't') AND c.relpersistence = 'p' ORDER BY c.oid`;
const BTREES_SQL = `
  SELECT c.oid::regclass::text AS name FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_am am ON am.oid = c.relam AND am.amname = 'btree'
   WHERE i.indisvalid AND i.indisready AND c.relpersistence = 'p' ORDER BY c.oid`;

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function foreignKeyFindings(db: IntegrityQueryable, findings: IntegrityFinding[]) {
  const { rows: keys } = await db.query<{
    conname: string;
    table: string;
    column: string;
    ref_table: string;
    ref_column: string;
  }>(FOREIGN_KEYS_SQL);
  for (const fk of keys) {
    const { rows } = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${ident(fk.table)} t
        WHERE t.${ident(fk.column)} IS NOT NULL AND NOT EXISTS (
              SELECT 1 FROM ${ident(fk.ref_table)} r WHERE r.${ident(fk.ref_column)} = t.${ident(fk.column)})`,
    );
    if (Number(rows[0]?.n) > 0)
      findings.push({ check: 'foreign keys', detail: `${fk.conname}: ${rows[0]?.n} orphans` });
  }
  return `foreign keys: ${keys.length} constraints, orphan rows counted`;
}

async function counterFindings(db: IntegrityQueryable, findings: IntegrityFinding[]) {
  for (const counter of COUNTER_CHECKS) {
    const { rows } = await db.query<{ id: string; stored: number; counted: string }>(counter.sql);
    if (rows.length > 0)
      findings.push({
        check: 'counters',
        detail: `${counter.name}: ${rows.length} rows differ from COUNT(*) (e.g. id ${rows[0]?.id}: ${rows[0]?.stored} ≠ ${rows[0]?.counted})`,
      });
  }
  return `counters vs COUNT(*): ${COUNTER_CHECKS.map((c) => c.name).join(', ')}`;
}

async function amcheckFindings(db: IntegrityQueryable, findings: IntegrityFinding[]) {
  await db.query('CREATE EXTENSION IF NOT EXISTS amcheck');
  const { rows: heaps } = await db.query<{ name: string }>(HEAPS_SQL);
  for (const { name } of heaps) {
    const { rows } = await db.query<{ blkno: string; msg: string }>(
      'SELECT blkno, msg FROM verify_heapam($1::regclass) LIMIT 3',
      [name],
    );
    for (const row of rows)
      findings.push({ check: 'amcheck', detail: `${name} block ${row.blkno}: ${row.msg}` });
  }
  const { rows: indexes } = await db.query<{ name: string }>(BTREES_SQL);
  for (const { name } of indexes) {
    try {
      await db.query('SELECT bt_index_check($1::regclass, true)', [name]);
    } catch (error) {
      findings.push({
        check: 'amcheck',
        detail: `${name}: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
  return `amcheck: ${heaps.length} heaps (verify_heapam), ${indexes.length} B-tree indexes (bt_index_check, heapallindexed)`;
}

async function publicRowCounts(db: IntegrityQueryable): Promise<Record<string, number>> {
  const { rows: tables } = await db.query<{ relname: string }>(
    `SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY relname`,
  );
  const counts: Record<string, number> = {};
  for (const { relname } of tables) {
    const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${ident(relname)}`);
    counts[relname] = Number(rows[0]?.n);
  }
  return counts;
}

export async function checkDatabaseIntegrity(db: IntegrityQueryable): Promise<DatabaseIntegrity> {
  const findings: IntegrityFinding[] = [];
  const checks = [
    await foreignKeyFindings(db, findings),
    await counterFindings(db, findings),
    await amcheckFindings(db, findings),
  ];
  return { findings, checks, rowCounts: await publicRowCounts(db) };
}
