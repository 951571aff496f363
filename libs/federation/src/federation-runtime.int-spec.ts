import { loadConfig } from '@fediflow/config';
import { createDataSource } from '@fediflow/database';
import {
  isolatedInfrastructure,
  waitFor,
  type IsolatedInfrastructure,
  TEST_ORIGIN,
} from '@fediflow/testing';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FederationRuntime } from './federation-core.module';

/** A loopback proxy in front of Redis that counts the connections made through it. */
async function countingProxy(target: URL) {
  const sockets = new Set<Socket>();
  const state = { connections: 0 };
  const server: Server = createServer((client) => {
    state.connections += 1;
    const upstream = connect(Number(target.port || 6379), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    state,
    url: `redis://127.0.0.1:${port}${target.pathname}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('FederationRuntime Redis connections', () => {
  let infra: IsolatedInfrastructure;
  let proxy: Awaited<ReturnType<typeof countingProxy>>;

  beforeAll(async () => {
    infra = await isolatedInfrastructure('federation-runtime');
    proxy = await countingProxy(new URL(infra.redisUrl));
  });
  afterAll(async () => {
    await proxy?.close();
    await infra?.release();
  });

  it('opens none while federation is off (the api), and connects on first use', async () => {
    const db = createDataSource({ url: infra.database.url, applicationName: 'runtime-test' });
    const runtime = (enabled: boolean) =>
      new FederationRuntime(
        loadConfig('api', {
          ...infra.env,
          PUBLIC_ORIGIN: TEST_ORIGIN,
          REDIS_URL: proxy.url,
          FEDERATION_ENABLED: String(enabled),
        }),
        db,
      );
    // The switched-off runtime is built first: had it connected, its sockets would come first.
    const off = runtime(false);
    const on = runtime(true);
    try {
      await on.queue.stats();
      await waitFor('the enabled runtime connected', async () =>
        proxy.state.connections >= 2 ? true : undefined,
      );
      expect(proxy.state.connections).toBe(2);
      // Nothing is lost by waiting: the queue still answers once something uses it.
      expect(await off.queue.stats()).toMatchObject({ ready: 0, delayed: 0 });
      expect(proxy.state.connections).toBe(3);
    } finally {
      await Promise.all([off.onApplicationShutdown(), on.onApplicationShutdown()]);
    }
  });
});
