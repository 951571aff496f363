/**
 * What every drill stands up in its own temporary directory: a PostgreSQL primary archiving its
 * WAL (optionally with a streaming standby, synchronous or not), the database endpoint the
 * services use, a private redis-server, the migrated schema, FediFlow's three built services,
 * registered members and a remote peer that follows them (and that they follow).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  makePostgresOwnedDir,
  RedisServerProcess,
  startTcpProxy,
  type Member,
  type TcpProxy,
  waitFor,
} from '@fediflow/testing';
import pg from 'pg';
import { registerDrillMembers } from './load.ts';
import { PgCluster, pgBinary, startStandby, type ClusterOptions } from './postgres.ts';
import { RemotePeer } from './remote-peer.ts';
import { writeServiceLogs } from './server-errors.ts';
import { ensureBuilt, migrate, startServices, type Services } from './services.ts';

export const DATABASE = 'fediflow';

export interface Progress {
  step(message: string): void;
  readonly timeline: string[];
}

export function progress(quiet = false): Progress {
  const started = Date.now();
  const timeline: string[] = [];
  return {
    timeline,
    step(message) {
      const line = `[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}`;
      timeline.push(line);
      if (!quiet) console.log(line);
    },
  };
}

/** Teardowns of the environments still up, for an interrupted drill (Ctrl-C). */
const active = new Set<() => Promise<void>>();

/** Stops every server of every environment still up (clusters, Redis, services). */
export async function teardownAll(): Promise<void> {
  await Promise.all([...active].map((teardown) => teardown()));
}

export interface DrillEnvironment {
  workDir: string;
  archiveDir: string;
  primary: PgCluster;
  standby?: PgCluster;
  /**
   * The database endpoint the services are configured with: a loopback TCP proxy the drill can
   * point elsewhere (`reset(target)`), standing in for what does this in production (the RDS
   * endpoint's DNS name, which AWS moves to the promoted instance; the DR secret already names
   * the replica). The services' DATABASE_URL never changes; after a switch their pg pools
   * replace the broken connections with new ones to the new target.
   */
  endpoint: TcpProxy;
  redis: RedisServerProcess;
  services: Services;
  members: Member[];
  peer: RemotePeer;
  /** Options for another cluster in the work directory (a restore target). */
  clusterOptions(name: string): Promise<ClusterOptions>;
  /** Stops `cluster` (e.g. a restored one) with the rest at teardown. */
  adopt(cluster: PgCluster): PgCluster;
  teardown(): Promise<void>;
}

export interface EnvironmentOptions {
  standby?: 'async' | 'sync';
  members: number;
  /** Extra data (pgbench tables) so the database reaches a realistic size before backups. */
  fillerScale?: number;
  keep?: boolean;
  /** Where the services' output (stdout/stderr, pino JSON lines) is written at teardown. */
  logDir?: string;
  progress: Progress;
}

export async function startEnvironment(options: EnvironmentOptions): Promise<DrillEnvironment> {
  const { step } = options.progress;
  ensureBuilt(step);
  const workDir = mkdtempSync(join(tmpdir(), 'fediflow-dr-'));
  makePostgresOwnedDir(workDir);
  const archiveDir = makePostgresOwnedDir(join(workDir, 'wal-archive'));
  const clusterOptions = async (name: string): Promise<ClusterOptions> => ({
    dataDir: join(workDir, name),
    port: await freePort(),
    archiveDir,
    logFile: join(workDir, `${name}.log`),
  });
  const cleanups: (() => Promise<void> | void)[] = [];
  const teardown = async () => {
    active.delete(teardown);
    for (const cleanup of cleanups.reverse())
      await Promise.resolve(cleanup()).catch(() => undefined);
    if (!options.keep) rmSync(workDir, { recursive: true, force: true });
  };
  active.add(teardown);
  try {
    const primary = new PgCluster('primary', await clusterOptions('primary'));
    step(`initdb primary (port ${primary.port}, WAL archive ${archiveDir})`);
    await primary.init();
    await primary.start();
    cleanups.push(() => primary.stop('immediate'));
    await primary.query(`CREATE DATABASE ${DATABASE}`, [], 'postgres');
    if (options.fillerScale) {
      step(`pgbench -i -s ${options.fillerScale} filler (≈ ${options.fillerScale * 15} MB)`);
      await pgBinary('pgbench', [
        ...['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres'],
        ...['-i', '-q', '-s', String(options.fillerScale), DATABASE],
      ]);
    }
    let standby: PgCluster | undefined;
    if (options.standby) {
      const standbyOptions = await clusterOptions('standby');
      step(`pg_basebackup → ${options.standby} streaming standby (port ${standbyOptions.port})`);
      standby = await startStandby(primary, standbyOptions, 'standby');
      cleanups.push(() => standby?.stop('immediate'));
      if (options.standby === 'sync') {
        // Only now: with it set before a standby exists, every commit would wait forever.
        await primary.query(
          `ALTER SYSTEM SET synchronous_standby_names = 'standby'`,
          [],
          'postgres',
        );
        await primary.query('SELECT pg_reload_conf()', [], 'postgres');
      }
      await waitForReplication(primary, options.standby);
    }
    const endpoint = await startTcpProxy({ host: '127.0.0.1', port: primary.port });
    cleanups.push(() => endpoint.close());
    const databaseUrl = `postgres://postgres@127.0.0.1:${endpoint.port}/${DATABASE}`;
    const redis = await RedisServerProcess.start();
    cleanups.push(() => redis.stop());
    step(`endpoint :${endpoint.port} → primary; redis-server :${redis.port}; migrating`);
    await migrate(databaseUrl);
    const services = await startServices({
      databaseUrl,
      redisUrl: redis.url,
    });
    // Run after the services stop (cleanups run in reverse), so their shutdown lines are kept.
    const { logDir } = options;
    if (logDir) cleanups.push(() => writeServiceLogs(services, logDir));
    cleanups.push(() => services.stop());
    step(`api ${services.api.base}, federation ${services.federation.base}, workers ready`);
    const members = await registerDrillMembers(services.api.base, options.members);
    const peer = await RemotePeer.start();
    cleanups.push(() => peer.close());
    await seedPeerFollows(primary.url(DATABASE), peer, members);
    step(`${members.length} members registered; remote peer ${peer.origin} follows them all`);
    return {
      workDir,
      archiveDir,
      primary,
      standby,
      endpoint,
      redis,
      services,
      members,
      peer,
      clusterOptions,
      adopt: (cluster) => {
        cleanups.push(() => cluster.stop('immediate'));
        return cluster;
      },
      teardown,
    };
  } catch (error) {
    await teardown();
    throw error;
  }
}

async function waitForReplication(primary: PgCluster, mode: 'async' | 'sync'): Promise<void> {
  await waitFor(
    `the standby to stream (${mode})`,
    async () => {
      const rows = await primary.query<{ sync_state: string; state: string }>(
        `SELECT sync_state, state FROM pg_stat_replication WHERE application_name = 'standby'`,
        [],
        'postgres',
      );
      const row = rows[0];
      return row?.state === 'streaming' && (mode === 'async' || row.sync_state === 'sync')
        ? true
        : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 200 },
  );
}

/**
 * The remote peer as a resolved remote account that follows every member (so their public posts
 * are delivered to its shared inbox) and that every member follows (so its notes are stored).
 */
async function seedPeerFollows(url: string, peer: RemotePeer, members: Member[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const row = peer.accountRow;
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO accounts (username, domain, display_name, uri, url, inbox_url, shared_inbox_url)
       VALUES ($1, $2, 'Remote peer', $3, $4, $5, $6) RETURNING id`,
      [row.username, row.domain, row.uri, row.url, row.inboxUrl, row.sharedInboxUrl],
    );
    const peerId = rows[0]!.id;
    const ids = members.map((m) => m.accountId);
    await client.query(
      `INSERT INTO follows (account_id, target_account_id)
       SELECT $1::bigint, unnest($2::bigint[]) UNION ALL SELECT unnest($2::bigint[]), $1::bigint`,
      [peerId, ids],
    );
    await client.query(
      `UPDATE accounts SET followers_count = followers_count + 1, following_count = following_count + 1
        WHERE id = ANY($1::bigint[])`,
      [ids],
    );
    await client.query(
      `UPDATE accounts SET followers_count = $2, following_count = $2 WHERE id = $1`,
      [peerId, ids.length],
    );
  } finally {
    await client.end();
  }
}
