import { RedisServerProcess, waitFor, waitForStatus } from '@fediflow/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceRoot } from './runtime-tree';

/** True when every port can be bound on 127.0.0.1 right now. */
async function allFree(ports: number[]): Promise<boolean> {
  for (const port of ports) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (!free) return false;
  }
  return true;
}

/** An offset for `npm start --port-offset` whose gateway, service and metrics ports are free. */
async function freeOffset(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const offset = 20_000 + Math.floor(Math.random() * 300) * 100;
    const ports = [8080, 3000, 3001, 3002, 9464, 9465, 9466, 5432].map((port) => port + offset);
    if (await allFree(ports)) return offset;
  }
  throw new Error('no free port range for npm start');
}

/**
 * `npm start`'s embedded path end to end: forced embedded PostgreSQL (PGlite), a loopback Redis,
 * the built bundles; ready through the gateway's one origin; Ctrl-C (SIGINT) stops it all, exit 0.
 */
describe('npm start with the embedded PostgreSQL', () => {
  let redis: RedisServerProcess;
  let dataDir: string;
  let start: ChildProcess;
  const output: string[] = [];
  let origin = '';
  let offset = 0;

  beforeAll(async () => {
    redis = await RedisServerProcess.start();
    dataDir = mkdtempSync(join(tmpdir(), 'fediflow-npm-start-'));
    offset = await freeOffset();
    origin = `http://127.0.0.1:${8080 + offset}`;
    start = spawn(
      join(workspaceRoot, 'node_modules/.bin/tsx'),
      ['tools/start-local.ts', '--no-build', '--port-offset', String(offset)],
      {
        cwd: workspaceRoot,
        env: {
          PATH: process.env['PATH'],
          FEDIFLOW_EMBEDDED_POSTGRES: '1',
          FEDIFLOW_DATA_DIR: dataDir,
          REDIS_URL: redis.url,
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    for (const stream of [start.stdout, start.stderr]) {
      stream?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    }
    try {
      await waitFor(
        'npm start to print that FediFlow is running',
        async () => {
          if (start.exitCode !== null) throw new Error(`exited with ${start.exitCode}`);
          return output.join('').includes('FediFlow is running') ? true : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 250 },
      );
    } catch (error) {
      throw new Error(`${String(error)}\n${output.join('')}`, { cause: error });
    }
  });

  afterAll(async () => {
    if (start?.exitCode === null) start.kill('SIGKILL');
    await redis?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('used the embedded PostgreSQL and printed the URLs', () => {
    const text = output.join('');
    expect(text).toContain('embedded PostgreSQL (requested)');
    expect(text).toContain(`origin      http://localhost:${8080 + offset}`);
    expect(text).toMatch(
      /PostgreSQL\s+postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres\s+\(embedded/,
    );
  });

  it('is ready through the gateway origin, which routes by path', async () => {
    const ready = await waitForStatus(`${origin}/ready`, 200, 10_000);
    expect(ready.headers.get('x-fediflow-route')).toBe('default');
    // No redirect-following: browsers asking for an actor are sent on to the profile page.
    const actor = await fetch(`${origin}/users/nobody`, { redirect: 'manual' });
    expect(actor.headers.get('x-fediflow-route')).toBe('actors');
    expect(actor.status).not.toBe(502);
  });

  it('stops everything on SIGINT and exits 0', async () => {
    const exited = once(start, 'exit');
    start.kill('SIGINT');
    const [code] = await exited;
    expect(code, output.join('')).toBe(0);
    expect(output.join('')).toContain('Stopped.');
    const afterwards = await fetch(`${origin}/health`).then(
      () => 'answered',
      () => 'refused',
    );
    expect(afterwards).toBe('refused');
    const api = await fetch(`http://127.0.0.1:${3000 + offset}/health`).then(
      () => 'answered',
      () => 'refused',
    );
    expect(api).toBe('refused');
  });
});
