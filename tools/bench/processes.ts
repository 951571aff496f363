/** Child processes of the benchmark: servers with their output in a log file, CPU pinning, RSS. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';

export { freePort } from '@fediflow/testing';

/** True when `taskset` (util-linux) can pin processes to CPUs here. */
export function tasksetAvailable(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Pins every thread of this process (and the children it starts later) to `cpu`. */
export function pinSelf(cpu: number): void {
  execFileSync('taskset', ['-a', '-cp', String(cpu), String(process.pid)], { stdio: 'ignore' });
}

/**
 * A server process whose output goes to a log file (not through this process, which shares its
 * CPU with the load generator). When `cpu` is set it runs under `taskset -c`, which execs, so
 * the pid is the server's own.
 */
export class ServerProcess {
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** `performance.now()` when it was spawned (to line up its CPU profile with load rounds). */
  readonly startedAt = performance.now();
  private readonly child: ChildProcess;

  constructor(
    readonly label: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv,
    readonly logFile: string,
    cpu?: number,
  ) {
    const fd = openSync(logFile, 'w');
    const [command, commandArgs] =
      cpu === undefined
        ? [process.execPath, args]
        : ['taskset', ['-c', String(cpu), process.execPath, ...args]];
    this.child = spawn(command, commandArgs, { env, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    this.exited = once(this.child, 'exit').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
    }));
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.label} did not start`);
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last lines of its output, for error messages. */
  tail(lines = 40): string {
    if (!existsSync(this.logFile)) return '';
    const text = readFileSync(this.logFile, 'utf8').trimEnd().split('\n');
    return `--- ${this.label} (${this.logFile}), last lines ---\n${text.slice(-lines).join('\n')}`;
  }

  /** Resident set size in bytes (VmRSS), or undefined once the process is gone. */
  rss(): number | undefined {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
      return kib === undefined ? undefined : Number(kib) * 1024;
    } catch {
      return undefined;
    }
  }

  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves once it has exited. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Polls `url` until it answers `status` (default 200); fails early when `server` exits. */
export async function waitForStatus(
  url: string,
  server: ServerProcess,
  timeoutMs = 60_000,
  status = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (!server.running)
      throw new Error(`${server.label} exited during start-up\n${server.tail()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === status) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `${server.label}: ${url} not ${status} after ${timeoutMs} ms (${last})\n${server.tail()}`,
  );
}
