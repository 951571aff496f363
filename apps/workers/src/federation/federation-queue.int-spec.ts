import { Module } from '@nestjs/common';
import { createServiceApp, type ServiceApp } from '@fediflow/bootstrap';
import { loadConfig } from '@fediflow/config';
import { FederationCoreModule, FederationRuntime } from '@fediflow/federation';
import { RemoteServer } from '@fediflow/federation/testing';
import {
  waitFor,
  waitForStatus,
  type IsolatedInfrastructure,
  TEST_ORIGIN,
} from '@fediflow/testing';
import { migratedDatabase, type MigratedDatabase } from '@fediflow/testing/fixtures';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FederationQueueRunner } from './federation-queue.runner';

@Module({ imports: [FederationCoreModule], providers: [FederationQueueRunner] })
class FederationWorkerModule {}

describe('federation queue on the workers', () => {
  let infra: IsolatedInfrastructure;
  let db: DataSource;
  let database: MigratedDatabase;
  let service: ServiceApp;
  let remote: RemoteServer;
  let aliceId: string;

  beforeAll(async () => {
    database = await migratedDatabase('workers-federation');
    ({ infra, db } = database);
    const [row] = (await db.query(
      `INSERT INTO accounts (username) VALUES ('alice') RETURNING id::text AS id`,
    )) as { id: string }[];
    aliceId = row!.id;
    remote = await RemoteServer.start();
    const config = loadConfig('workers', {
      PUBLIC_ORIGIN: TEST_ORIGIN,
      LOG_LEVEL: 'silent',
      ...infra.env,
    });
    service = await createServiceApp({
      config: { ...config, PORT: 0, METRICS_PORT: 0, MONITORING_ENABLED: false },
      imports: [FederationWorkerModule],
      host: '127.0.0.1',
    });
    const { port } = await service.listen();
    // The database connects in the background; ready means connected.
    await waitForStatus(`http://127.0.0.1:${port}/ready`, 200);
  });
  afterAll(async () => {
    await remote?.close();
    await database?.release();
  });

  it('handles a queued Follow (follows row, Accept delivered signed) and drains on shutdown', async () => {
    const runtime = service.app.get(FederationRuntime);
    expect(service.app.get(FederationQueueRunner).isRunning).toBe(true);
    const follow = {
      '@context': 'https://www.w3.org/ns/activitystreams',
      id: `${remote.origin}/follows/42`,
      type: 'Follow',
      actor: remote.actorId.href,
      object: `${TEST_ORIGIN}/users/alice`,
    };
    // As a web node does it: Fedify verifies the signature and enqueues.
    const response = await runtime.federation.fetch(
      await remote.post(`${TEST_ORIGIN}/inbox`, follow),
      {
        contextData: undefined,
      },
    );
    expect(response.status).toBe(202);

    const accept = await waitFor('the Accept at the remote inbox', async () =>
      remote.received.find((request) => request.url === '/users/bob/inbox'),
    );
    expect(JSON.parse(accept.body)).toMatchObject({
      type: 'Accept',
      actor: `${TEST_ORIGIN}/users/alice`,
      object: { id: follow.id },
    });
    expect(String(accept.headers.signature)).toMatch(
      /keyId="https:\/\/fediflow\.test\/users\/alice#main-key".*headers="\(request-target\)/,
    );
    expect(
      await db.query(
        `SELECT a.uri, f.uri AS follow_uri FROM follows f JOIN accounts a ON a.id = f.account_id
          WHERE f.target_account_id = $1`,
        [aliceId],
      ),
    ).toEqual([{ uri: remote.actorId.href, follow_uri: follow.id }]);

    // The same Follow again (a redelivery) changes nothing and is answered again.
    const again = await runtime.federation.fetch(
      await remote.post(`${TEST_ORIGIN}/inbox`, follow),
      {
        contextData: undefined,
      },
    );
    expect(again.status).toBe(202);
    await waitFor('the queue to drain', async () => {
      const stats = await runtime.queue.stats();
      return stats.ready + stats.delayed + stats.inFlight === 0 ? stats : undefined;
    });
    expect(await db.query(`SELECT followers_count FROM accounts WHERE id = $1`, [aliceId])).toEqual(
      [{ followers_count: 1 }],
    );

    // Undo(Follow) removes it.
    const undo = await runtime.federation.fetch(
      await remote.post(`${TEST_ORIGIN}/users/alice/inbox`, {
        '@context': 'https://www.w3.org/ns/activitystreams',
        id: `${remote.origin}/follows/42#undo`,
        type: 'Undo',
        actor: remote.actorId.href,
        object: follow,
      }),
      { contextData: undefined },
    );
    expect(undo.status).toBe(202);
    await waitFor('the follow to be undone', async () => {
      const rows = (await db.query(`SELECT 1 FROM follows`)) as unknown[];
      return rows.length === 0 ? true : undefined;
    });
    expect(await db.query(`SELECT followers_count FROM accounts WHERE id = $1`, [aliceId])).toEqual(
      [{ followers_count: 0 }],
    );

    await service.shutdown('test over');
    expect(service.app.get(FederationQueueRunner).isRunning).toBe(false);
  });
});
