/**
 * Private PostgreSQL clusters for the drills, made with Debian's own binaries (initdb, pg_ctl,
 * pg_basebackup): a primary that archives its WAL, streaming standbys, and clusters restored from
 * a base backup. PostgreSQL refuses to run as root, so when the drill runs as root every binary
 * runs as the `postgres` system user (runuser) and the drill's directories are handed to it.
 */
import { chownSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  makePostgresOwnedDir,
  pgBin,
  postgresOwner,
  runPostgresBinary,
  waitFor,
} from '@fediflow/testing';
import pg from 'pg';

/**
 * Runs a PostgreSQL binary from pgBin() (as `postgres` when we are root); rejects with its output
 * on failure. Asynchronous on purpose: the drill's load generator and database endpoint share this
 * process.
 */
export function pgBinary(
  name: string,
  args: readonly string[],
  timeoutMs = 900_000,
): Promise<string> {
  return runPostgresBinary(name, args, {
    binDir: pgBin(),
    timeoutMs,
    env: { LC_ALL: 'C.UTF-8', TZ: 'UTC' },
  });
}

export interface ClusterOptions {
  /** Data directory (created). */
  dataDir: string;
  port: number;
  /** Directory the primary archives completed WAL segments to (and restores read from). */
  archiveDir: string;
  logFile: string;
}

/** One PostgreSQL cluster on 127.0.0.1:`port`, driven through pg_ctl. */
export class PgCluster {
  constructor(
    readonly name: string,
    readonly options: ClusterOptions,
  ) {}

  get port(): number {
    return this.options.port;
  }

  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** initdb with data checksums (pg_amcheck and pg_checksums can then find torn pages). */
  async init(settings: Record<string, string> = {}): Promise<void> {
    makePostgresOwnedDir(this.options.dataDir);
    await pgBinary('initdb', [
      '-D',
      this.options.dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--data-checksums',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
    ]);
    this.configure({
      listen_addresses: "'127.0.0.1'",
      unix_socket_directories: "''",
      wal_level: 'replica',
      max_wal_senders: '5',
      hot_standby: 'on',
      archive_mode: 'on',
      archive_command: `'test ! -f ${this.options.archiveDir}/%f && cp %p ${this.options.archiveDir}/%f'`,
      // Small enough that the drill's minutes of load span several archived segments.
      archive_timeout: '60',
      max_connections: '100',
      shared_buffers: '64MB',
      fsync: 'on',
      ...settings,
    });
    writeFileSync(
      join(this.options.dataDir, 'pg_hba.conf'),
      'host all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\n',
    );
  }

  /** Appends settings to postgresql.auto.conf (later lines win, as in ALTER SYSTEM). */
  configure(settings: Record<string, string>): void {
    const file = join(this.options.dataDir, 'postgresql.auto.conf');
    const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
    const lines = Object.entries(settings).map(([key, value]) => `${key} = ${value}`);
    writeFileSync(file, `${before}${lines.join('\n')}\n`);
  }

  /** `port` is always passed on the command line, so a copied data directory gets its own. */
  async start(): Promise<void> {
    try {
      await pgBinary('pg_ctl', [
        ...['-D', this.options.dataDir, '-l', this.options.logFile],
        ...['-o', `-p ${this.port}`, '-w', '-t', '900', 'start'],
      ]);
    } catch (error) {
      const log = existsSync(this.options.logFile)
        ? readFileSync(this.options.logFile, 'utf8').trimEnd().split('\n').slice(-15).join('\n')
        : '(no log)';
      throw new Error(
        `${this.name} did not start: ${String(error)}\n--- ${this.options.logFile} ---\n${log}`,
        {
          cause: error,
        },
      );
    }
  }

  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    if (!this.running) return;
    await pgBinary('pg_ctl', ['-D', this.options.dataDir, '-m', mode, '-w', 'stop']);
  }

  /** `pg_ctl promote -w`: ends recovery; returns once the cluster accepts writes. */
  async promote(): Promise<void> {
    await pgBinary('pg_ctl', ['-D', this.options.dataDir, '-w', '-t', '120', 'promote']);
  }

  get postmasterPid(): number | undefined {
    const file = join(this.options.dataDir, 'postmaster.pid');
    if (!existsSync(file)) return undefined;
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  }

  get running(): boolean {
    const pid = this.postmasterPid;
    if (pid === undefined) return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * A host crash: SIGKILL to the postmaster and every backend at once (killing only the
   * postmaster would let backends finish their current work, which a dead host does not).
   */
  crash(): void {
    const pid = this.postmasterPid;
    if (pid === undefined) throw new Error(`${this.name} is not running`);
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
    for (const target of [pid, ...children]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  async query<T = Record<string, unknown>>(
    sql: string,
    params: unknown[] = [],
    database = 'fediflow',
  ): Promise<T[]> {
    const client = new pg.Client({ connectionString: this.url(database) });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** Waits until the cluster answers a query (a restored cluster may replay WAL for a while). */
  async waitUntilServing(timeoutMs = 600_000): Promise<void> {
    await waitFor(
      `${this.name} to answer`,
      async () => {
        await this.query('SELECT 1', [], 'postgres');
        return true;
      },
      { timeoutMs },
    );
  }

  /** Waits until recovery has ended (a restore with recovery_target_action=promote). */
  async waitUntilPrimary(timeoutMs = 900_000): Promise<void> {
    await waitFor(
      `${this.name} to end recovery`,
      async () => {
        const rows = await this.query<{ recovering: boolean }>(
          'SELECT pg_is_in_recovery() AS recovering',
          [],
          'postgres',
        );
        return rows[0]?.recovering === false ? true : undefined;
      },
      { timeoutMs },
    );
  }
}

/** `pg_basebackup` of `source` into `targetDir` (plain format, WAL streamed, manifest kept). */
export async function baseBackup(source: PgCluster, targetDir: string): Promise<void> {
  await pgBinary('pg_basebackup', [
    ...['-h', '127.0.0.1', '-p', String(source.port), '-U', 'postgres'],
    ...['-D', targetDir, '-X', 'stream', '-c', 'fast'],
  ]);
}

/**
 * A streaming standby of `primary` in `options.dataDir`, started. `name` is its
 * application_name, which `synchronous_standby_names` on the primary refers to.
 */
export async function startStandby(
  primary: PgCluster,
  options: ClusterOptions,
  name: string,
): Promise<PgCluster> {
  makePostgresOwnedDir(options.dataDir);
  await baseBackup(primary, options.dataDir);
  const standby = new PgCluster(name, options);
  standby.configure({
    primary_conninfo: `'host=127.0.0.1 port=${primary.port} user=postgres application_name=${name}'`,
    // After promotion it archives into the same place, so backups keep working.
    restore_command: `'cp ${primary.options.archiveDir}/%f %p'`,
  });
  writeFileSync(join(options.dataDir, 'standby.signal'), '');
  const { uid, gid } = postgresOwner();
  chownSync(join(options.dataDir, 'standby.signal'), uid, gid);
  await standby.start();
  return standby;
}
