/**
 * The heartbeat of DatabaseConnector against a real PostgreSQL: a pool whose connections are all
 * busy is not an outage; a server that stops answering is one, until it answers again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  isolatedInfrastructure,
  proxyInFront,
  type IsolatedInfrastructure,
  type TcpProxy,
} from '@fediflow/testing';
import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDataSource } from './data-source';
import { DatabaseConnector } from './database-connector';

const HEARTBEAT_MS = 50;
const TIMEOUT_MS = 200;

async function until(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(10);
  }
}

describe('DatabaseConnector heartbeat', () => {
  let infra: IsolatedInfrastructure;
  let proxy: TcpProxy;
  let db: DataSource;
  let connector: DatabaseConnector;

  beforeAll(async () => {
    infra = await isolatedInfrastructure('database-connector');
  });
  afterAll(async () => {
    await infra?.release();
  });
  beforeEach(async () => {
    let url: string;
    ({ proxy, url } = await proxyInFront(infra.database.url));
    db = createDataSource({
      url,
      applicationName: 'database-connector-test',
      poolSize: 2,
      queryTimeoutMs: TIMEOUT_MS,
      connectTimeoutMs: TIMEOUT_MS,
    });
    connector = new DatabaseConnector(db, {
      heartbeatIntervalMs: HEARTBEAT_MS,
      heartbeatTimeoutMs: TIMEOUT_MS,
    });
    await connector.start();
  });
  afterEach(async () => {
    await connector?.stop().catch(() => undefined);
    await proxy?.close();
  });

  it('stays available while every pooled connection is busy', async () => {
    const pool = (db.driver as unknown as { master: Pool }).master;
    const held: PoolClient[] = [await pool.connect(), await pool.connect()];
    try {
      // A request now waits for a connection longer than the heartbeat's timeout…
      await expect(pool.query('SELECT 1')).rejects.toThrow(/timeout/i);
      // …and the heartbeats meanwhile still find PostgreSQL answering.
      await sleep(4 * HEARTBEAT_MS + TIMEOUT_MS);
      expect(connector.available).toBe(true);
    } finally {
      for (const client of held) client.release();
    }
  });

  it('stays available when its connections are reset but PostgreSQL answers (a failover, a proxy)', async () => {
    await until('available', () => connector.available);
    // After each reset the next beat meets the dead connection it kept, and must find
    // PostgreSQL answering on a new one: watched every 5 ms over two beats, eight times.
    let unavailableSeen = 0;
    for (let i = 0; i < 8; i++) {
      proxy.reset();
      for (let t = 0; t < (2 * HEARTBEAT_MS) / 5; t++) {
        await sleep(5);
        if (!connector.available) unavailableSeen++;
      }
    }
    expect(unavailableSeen).toBe(0);
  });

  it('is unavailable while PostgreSQL does not answer, and available again once it does', async () => {
    await until('available', () => connector.available);
    proxy.blackhole();
    await until('unavailable', () => !connector.available);
    proxy.resume();
    await until('available again', () => connector.available);
  });
});
