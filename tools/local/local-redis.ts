import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { answers } from './local-servers.ts';

export interface LocalRedis {
  readonly url: string;
  stop(): Promise<void>;
}

/** True when a `redis-server` binary is on PATH. */
export function redisServerInstalled(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Starts `redis-server` on 127.0.0.1:`port` with its snapshot in `dataDir`, in its own process
 * group (Ctrl-C reaches `npm start`, which stops it last).
 */
export async function startLocalRedis(options: {
  port: number;
  dataDir: string;
}): Promise<LocalRedis> {
  mkdirSync(options.dataDir, { recursive: true });
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      String(options.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      options.dataDir,
      '--appendonly',
      'no',
    ],
    { stdio: 'ignore', detached: true },
  );
  const url = `redis://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 10_000;
  while (!(await answers(url, 200))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start on port ${options.port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
