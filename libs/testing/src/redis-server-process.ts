import { execFileSync } from 'node:child_process';
import { ManagedProcess } from './child-process';
import { freePort } from './free-port';
import { waitFor } from './wait-for';
import { Redis } from 'ioredis';

/**
 * A throwaway `redis-server` on a spare loopback port, which a test may stop and start again on
 * the same port to simulate an outage. Needs the `redis-server` binary on PATH.
 */
export class RedisServerProcess {
  private process: ManagedProcess | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<RedisServerProcess> {
    try {
      execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    } catch {
      throw new Error(
        'redis-server is not installed; the e2e suite starts its own (apt-get install redis-server)',
      );
    }
    const server = new RedisServerProcess(await freePort());
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.process = new ManagedProcess(
      `redis-server:${this.port}`,
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      process.env,
    );
    await waitFor(`redis-server on port ${this.port}`, async () => {
      const client = new Redis(this.url, { lazyConnect: true, retryStrategy: () => null });
      client.on('error', () => undefined);
      try {
        await client.connect();
        return (await client.ping()) === 'PONG' ? true : undefined;
      } finally {
        client.disconnect();
      }
    });
  }

  async stop(): Promise<void> {
    await this.process?.stop('SIGKILL');
    this.process = undefined;
  }
}
