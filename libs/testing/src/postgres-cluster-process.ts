import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';
import { makePostgresOwnedDir, pgBin, runPostgresBinary } from './postgres-binaries';

/** Debian's PostgreSQL 15 server binaries. */

/**
 * A private PostgreSQL cluster (initdb + pg_ctl) in a temporary directory on a spare loopback
 * port, for tests that need server settings the shared server must not change (wal_level =
 * logical) or that start several servers. As root, it belongs to the `postgres` system user
 * (see postgres-binaries).
 */
export class PostgresClusterProcess {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly binDir: string,
  ) {}

  static async start(
    options: { binDir?: string; settings?: Record<string, string> } = {},
  ): Promise<PostgresClusterProcess> {
    const binDir = options.binDir ?? pgBin();
    const dir = await mkdtemp(path.join(tmpdir(), 'fediflow-pg-'));
    makePostgresOwnedDir(dir);
    const cluster = new PostgresClusterProcess(await freePort(), dir, binDir);
    try {
      await cluster.exec('initdb', [
        '-D',
        cluster.dataDir,
        '-U',
        'postgres',
        '-A',
        'trust',
        '--no-sync',
        '-E',
        'UTF8',
      ]);
      const settings = {
        listen_addresses: '127.0.0.1',
        port: String(cluster.port),
        unix_socket_directories: dir,
        fsync: 'off',
        ...options.settings,
      };
      const flags = Object.entries(settings).map(([key, value]) => `-c ${key}=${value}`);
      await cluster.exec('pg_ctl', [
        '-D',
        cluster.dataDir,
        '-l',
        path.join(dir, 'server.log'),
        '-w',
        '-t',
        '30',
        '-o',
        flags.join(' '),
        'start',
      ]);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`could not start a private PostgreSQL in ${dir}: ${String(error)}`, {
        cause: error,
      });
    }
    return cluster;
  }

  get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  /** Superuser URL of `database` (default `postgres`). */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Stops the server (fast shutdown) and deletes its directory. */
  async stop(): Promise<void> {
    try {
      await this.exec('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', 'stop']);
    } finally {
      await rm(this.dir, { recursive: true, force: true });
    }
  }

  private async exec(binary: string, args: string[]): Promise<void> {
    await runPostgresBinary(binary, args, { binDir: this.binDir });
  }
}
