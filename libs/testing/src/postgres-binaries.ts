/**
 * Running PostgreSQL's own server binaries (initdb, pg_ctl, pg_basebackup, ...) for private
 * clusters. PostgreSQL refuses to run as root: as root, every binary runs as the `postgres` system
 * user through `runuser`, and the directories it writes to must belong to that user.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';

/** The system user PostgreSQL's binaries run as when we are root. */
export const POSTGRES_SYSTEM_USER = 'postgres';

const runningAsRoot = () => userInfo().uid === 0;

/** The uid/gid PostgreSQL's files must belong to (the current user unless we are root). */
export function postgresOwner(): { uid: number; gid: number } {
  if (!runningAsRoot()) return { uid: userInfo().uid, gid: userInfo().gid };
  const id = (flag: string) =>
    Number(execFileSync('id', [flag, POSTGRES_SYSTEM_USER], { encoding: 'utf8' }));
  return { uid: id('-u'), gid: id('-g') };
}

/** mkdir -p (mode 0700), owned by the user PostgreSQL runs as. */
export function makePostgresOwnedDir(path: string): string {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  const { uid, gid } = postgresOwner();
  chownSync(path, uid, gid);
  return path;
}

export interface PostgresBinaryOptions {
  /** Directory holding the binaries, e.g. /usr/lib/postgresql/15/bin. */
  binDir: string;
  timeoutMs?: number;
  /** Extra environment on top of this process's. */
  env?: Record<string, string>;
}

/**
 * Runs `binDir/name` (as `postgres` when we are root) and resolves with its stdout and stderr;
 * rejects with that output on failure. Asynchronous, so callers sharing the process (load
 * generators, endpoints) keep running.
 */
export function runPostgresBinary(
  name: string,
  args: readonly string[],
  options: PostgresBinaryOptions,
): Promise<string> {
  const binary = join(options.binDir, name);
  const [command, commandArgs] = runningAsRoot()
    ? ['runuser', ['-u', POSTGRES_SYSTEM_USER, '--', binary, ...args]]
    : [binary, [...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, {
      timeout: options.timeoutMs,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${name} ${args.join(' ')} failed (${code ?? signal})\n${output}`));
    });
  });
}

/**
 * PG_BIN, else the newest Debian/Ubuntu PostgreSQL installed (/usr/lib/postgresql/<major>/bin:
 * 15 on this machine's Debian, 16 on GitHub's ubuntu-24.04 runners).
 */
export function pgBin(): string {
  return process.env['PG_BIN'] ?? newestDebianPostgres();
}

function newestDebianPostgres(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((name) => /^\d+$/.test(name) && existsSync(join(root, name, 'bin', 'initdb')))
        .map(Number)
        .sort((a, b) => b - a)
    : [];
  if (majors[0] === undefined)
    throw new Error(
      `no PostgreSQL server binaries in ${root}/<major>/bin; install postgresql or set PG_BIN`,
    );
  return join(root, String(majors[0]), 'bin');
}
