/**
 * Cross-cloud replication of FediFlow's PostgreSQL by logical replication: the primary (AWS RDS)
 * publishes every table, the secondary (Azure Flexible Server, Cloud SQL) subscribes. Chosen over
 * a WAL-archive-fed physical standby because managed PostgreSQL on another cloud cannot be a
 * physical standby of RDS (no access to its WAL or its base backups), while logical replication is
 * supported on all three. Its limits, which setUp and cutOver handle: DDL is not replicated (the
 * subscriber's schema comes from the same migrations), sequences are not replicated (cutover
 * copies them), and the subscriber must not take writes until cutover.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

export const DEFAULT_NAME = 'fediflow_cross_cloud';

export class ReplicationError extends Error {
  constructor(
    readonly code:
      | 'PRIMARY_NOT_LOGICAL'
      | 'SCHEMA_MISSING'
      | 'SUBSCRIPTION_MISSING'
      | 'CATCH_UP_TIMEOUT'
      | 'ROW_COUNT_MISMATCH',
    message: string,
  ) {
    super(message);
  }
}

export interface Endpoints {
  /** The primary, as the subscriber's server reaches it (private connectivity, TLS in clouds). */
  primaryUrl: string;
  subscriberUrl: string;
  /** Publication, subscription and slot name. */
  name?: string;
}

export interface Progress {
  (message: string): void;
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

async function userTables(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
      WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
  );
  return rows.map((row) => row.name);
}

/**
 * Publishes every table on the primary and subscribes the secondary, then waits until the initial
 * copy of every table is done. Idempotent: an existing publication or subscription is kept.
 */
export async function setUp(
  endpoints: Endpoints,
  progress: Progress = () => undefined,
): Promise<void> {
  const name = endpoints.name ?? DEFAULT_NAME;
  const primaryTables = await withClient(endpoints.primaryUrl, async (primary) => {
    const { rows } = await primary.query<{ wal_level: string }>('SHOW wal_level');
    if (rows[0]?.wal_level !== 'logical')
      throw new ReplicationError(
        'PRIMARY_NOT_LOGICAL',
        `the primary has wal_level=${rows[0]?.wal_level}; logical replication needs wal_level=logical (RDS: rds.logical_replication=1)`,
      );
    const tables = await userTables(primary);
    const exists = await primary.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [name]);
    if (exists.rowCount === 0) {
      await primary.query(`CREATE PUBLICATION ${ident(name)} FOR ALL TABLES`);
      progress(`created publication ${name} on the primary (${tables.length} tables)`);
    } else progress(`publication ${name} exists on the primary`);
    return tables;
  });

  await withClient(endpoints.subscriberUrl, async (subscriber) => {
    const present = new Set(await userTables(subscriber));
    const missing = primaryTables.filter((table) => !present.has(table));
    if (missing.length)
      throw new ReplicationError(
        'SCHEMA_MISSING',
        `the subscriber lacks ${missing.join(', ')}: logical replication copies rows, not DDL; run the migrations there first`,
      );
    const exists = await subscriber.query('SELECT 1 FROM pg_subscription WHERE subname = $1', [
      name,
    ]);
    if (exists.rowCount === 0) {
      await subscriber.query(
        `CREATE SUBSCRIPTION ${ident(name)} CONNECTION ${literal(endpoints.primaryUrl)}
           PUBLICATION ${ident(name)} WITH (copy_data = true)`,
      );
      progress(`created subscription ${name} on the subscriber; copying existing rows`);
    } else progress(`subscription ${name} exists on the subscriber`);
    for (;;) {
      const { rows } = await subscriber.query<{ pending: string }>(
        `SELECT count(*) AS pending FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid
          WHERE s.subname = $1 AND r.srsubstate <> 'r'`,
        [name],
      );
      if (Number(rows[0]?.pending) === 0) break;
      await sleep(50);
    }
    progress('initial copy done: every table is streaming');
  });
}

export interface ReplicationStatus {
  /** WAL the subscriber has not confirmed yet, in bytes (0 = caught up). */
  lagBytes: number;
  /** The walsender's replay lag as PostgreSQL measures it, in ms (undefined when idle). */
  replayLagMs: number | undefined;
  /** Whether the subscriber's apply worker is connected. */
  streaming: boolean;
}

export async function status(endpoints: Endpoints): Promise<ReplicationStatus> {
  const name = endpoints.name ?? DEFAULT_NAME;
  return withClient(endpoints.primaryUrl, async (primary) => {
    const slot = await primary.query<{ lag: string | null; active: boolean }>(
      `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn) AS lag, active
         FROM pg_replication_slots WHERE slot_name = $1`,
      [name],
    );
    const row = slot.rows[0];
    if (!row)
      throw new ReplicationError(
        'SUBSCRIPTION_MISSING',
        `no replication slot ${name} on the primary: run setup first`,
      );
    const sender = await primary.query<{ ms: number | null }>(
      `SELECT extract(epoch FROM replay_lag) * 1000 AS ms FROM pg_stat_replication WHERE application_name = $1`,
      [name],
    );
    const ms = sender.rows[0]?.ms;
    return {
      lagBytes: Number(row.lag ?? 0),
      replayLagMs: ms === null || ms === undefined ? undefined : Number(ms),
      streaming: row.active,
    };
  });
}

export interface CutoverReport {
  /** Primary WAL position after writes stopped, which the subscriber confirmed. */
  finalLsn: string;
  catchUpMs: number;
  sequencesCopied: number;
  /** Rows per table, equal on both sides. */
  rows: Record<string, number>;
}

/**
 * Planned cutover: stop writes on the primary (new transactions read-only, open sessions ended),
 * wait until the subscriber has applied everything up to that point, copy sequence positions
 * (not replicated), compare row counts, then drop the subscription so the secondary is a
 * stand-alone primary. A write the primary acknowledged before the switch is on the secondary.
 */
export async function cutOver(
  endpoints: Endpoints,
  options: { timeoutMs?: number; dryRun?: boolean } = {},
  progress: Progress = () => undefined,
): Promise<CutoverReport | undefined> {
  const name = endpoints.name ?? DEFAULT_NAME;
  const timeoutMs = options.timeoutMs ?? 60_000;
  if (options.dryRun) {
    const current = await status(endpoints);
    progress(
      `dry run: would make the primary read-only, wait for ${current.lagBytes} bytes of lag, copy sequences and drop subscription ${name}`,
    );
    return undefined;
  }
  const started = Date.now();
  return withClient(endpoints.primaryUrl, async (primary) =>
    withClient(endpoints.subscriberUrl, async (subscriber) => {
      const { rows: db } = await primary.query<{ name: string }>(
        'SELECT current_database() AS name',
      );
      await primary.query(
        `ALTER DATABASE ${ident(db[0]?.name ?? 'postgres')} SET default_transaction_read_only = on`,
      );
      // Sessions opened before the ALTER keep writing until they reconnect: end them.
      await primary.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
      );
      progress('primary is read-only; open sessions ended');
      const { rows: lsn } = await primary.query<{ lsn: string }>(
        'SELECT pg_current_wal_lsn()::text AS lsn',
      );
      const finalLsn = lsn[0]?.lsn ?? '0/0';
      for (;;) {
        const { rows } = await primary.query<{ behind: string | null }>(
          `SELECT pg_wal_lsn_diff($2::pg_lsn, confirmed_flush_lsn) AS behind
             FROM pg_replication_slots WHERE slot_name = $1`,
          [name, finalLsn],
        );
        if (!rows[0])
          throw new ReplicationError('SUBSCRIPTION_MISSING', `no replication slot ${name}`);
        if (Number(rows[0].behind ?? 0) <= 0) break;
        if (Date.now() - started > timeoutMs)
          throw new ReplicationError(
            'CATCH_UP_TIMEOUT',
            `the subscriber is still ${rows[0].behind} bytes behind after ${timeoutMs} ms; the primary stays read-only`,
          );
        await sleep(20);
      }
      const catchUpMs = Date.now() - started;
      progress(`subscriber confirmed ${finalLsn} after ${catchUpMs} ms`);

      const { rows: sequences } = await primary.query<{ name: string; value: string | null }>(
        `SELECT format('%I.%I', schemaname, sequencename) AS name, last_value AS value FROM pg_sequences`,
      );
      for (const sequence of sequences)
        if (sequence.value !== null)
          await subscriber.query('SELECT setval($1::regclass, $2::bigint, true)', [
            sequence.name,
            sequence.value,
          ]);
      progress(`copied ${sequences.length} sequence positions`);

      const rows: Record<string, number> = {};
      for (const table of await userTables(primary)) {
        const count = async (client: pg.Client) =>
          Number(
            (await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n,
          );
        const [onPrimary, onSubscriber] = [await count(primary), await count(subscriber)];
        if (onPrimary !== onSubscriber)
          throw new ReplicationError(
            'ROW_COUNT_MISMATCH',
            `${table}: ${onPrimary} rows on the primary, ${onSubscriber} on the subscriber`,
          );
        rows[table] = onSubscriber;
      }
      await subscriber.query(`DROP SUBSCRIPTION ${ident(name)}`);
      progress(`dropped subscription ${name}: the secondary is now the primary`);
      return { finalLsn, catchUpMs, sequencesCopied: sequences.length, rows };
    }),
  );
}

/**
 * Unplanned failover, when the primary is gone: detach the subscription without contacting the
 * primary (its slot stays behind there), and move every sequence past the largest value its
 * column holds, since sequence positions were never replicated. Writes the primary acknowledged
 * but had not yet sent are lost: the RPO is the replication lag at the moment of loss.
 */
export async function promote(
  subscriberUrl: string,
  options: { name?: string } = {},
  progress: Progress = () => undefined,
): Promise<{ sequencesAdvanced: number }> {
  const name = options.name ?? DEFAULT_NAME;
  return withClient(subscriberUrl, async (subscriber) => {
    const exists = await subscriber.query('SELECT 1 FROM pg_subscription WHERE subname = $1', [
      name,
    ]);
    if (exists.rowCount === 0)
      throw new ReplicationError(
        'SUBSCRIPTION_MISSING',
        `no subscription ${name} on the subscriber: nothing to promote`,
      );
    await subscriber.query(`ALTER SUBSCRIPTION ${ident(name)} DISABLE`);
    await subscriber.query(`ALTER SUBSCRIPTION ${ident(name)} SET (slot_name = NONE)`);
    await subscriber.query(`DROP SUBSCRIPTION ${ident(name)}`);
    progress(`detached subscription ${name} (drop slot ${name} on the old primary if it returns)`);
    const { rows } = await subscriber.query<{ seq: string; tbl: string; col: string }>(
      `SELECT d.objid::regclass::text AS seq, d.refobjid::regclass::text AS tbl, quote_ident(a.attname) AS col
         FROM pg_depend d
         JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
         JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        WHERE d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')`,
    );
    for (const row of rows)
      await subscriber.query(
        `SELECT setval($1::regclass, greatest((SELECT max(${row.col}) FROM ${row.tbl}), 1))`,
        [row.seq],
      );
    progress(`advanced ${rows.length} sequences past their columns' largest values`);
    return { sequencesAdvanced: rows.length };
  });
}
