import {
  federationKeyPrefix,
  RedisKvStore,
  RedisMessageQueue,
} from '@fediflow/federation-adapters';
import {
  createExponentialBackoffPolicy,
  createFederation,
  generateCryptoKeyPair,
} from '@fedify/fedify';
import { Create, Note, Person } from '@fedify/fedify/vocab';
import { isolatedInfrastructure, waitFor, type IsolatedInfrastructure } from '@fediflow/testing';
import { Redis } from 'ioredis';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/** A remote inbox on loopback that fails while `failing` is set. */
async function remoteInbox() {
  const state = { failing: true, received: [] as Received[] };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const status = state.failing ? 503 : 202;
      state.received.push({
        headers: request.headers,
        body: Buffer.concat(chunks).toString(),
        status,
      });
      response.writeHead(status).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { state, server, inbox: new URL(`http://127.0.0.1:${port}/inbox`) };
}

describe('Fedify with the Redis adapters', () => {
  let infra: IsolatedInfrastructure;
  let redis: Redis;

  beforeAll(async () => {
    infra = await isolatedInfrastructure('federation-fedify');
    redis = new Redis(infra.redisUrl);
  });
  afterAll(async () => {
    redis.disconnect();
    await infra.release();
  });

  it('queues an outgoing activity, retries the failed delivery through the queue, then delivers it', async () => {
    const keyPrefix = federationKeyPrefix(infra.redis.prefix);
    const kv = new RedisKvStore({ redis, keyPrefix });
    const queue = new RedisMessageQueue({
      redis,
      keyPrefix,
      name: 'federation',
      pollIntervalMs: 50,
      logger: { warn: () => undefined, error: () => undefined },
    });
    const remote = await remoteInbox();
    const keyPair = await generateCryptoKeyPair('RSASSA-PKCS1-v1_5');
    const federation = createFederation<void>({
      kv,
      queue,
      // As on the web nodes: sending only enqueues; the worker runs the queue.
      manuallyStartQueue: true,
      allowPrivateAddress: true,
      firstKnock: 'draft-cavage-http-signatures-12',
      outboxRetryPolicy: createExponentialBackoffPolicy({
        initialDelay: { milliseconds: 200 },
        maxAttempts: 5,
      }),
    });
    federation
      .setActorDispatcher('/users/{identifier}', (ctx, identifier) =>
        identifier === 'alice'
          ? new Person({ id: ctx.getActorUri(identifier), preferredUsername: identifier })
          : null,
      )
      .setKeyPairsDispatcher(() => [keyPair]);

    const ctx = federation.createContext(new URL('https://fediflow.example'), undefined);
    const activityId = 'https://fediflow.example/activities/1';
    try {
      await ctx.sendActivity(
        { identifier: 'alice' },
        { id: new URL('https://remote.example/users/bob'), inboxId: remote.inbox },
        new Create({
          id: new URL(activityId),
          actor: ctx.getActorUri('alice'),
          object: new Note({ id: new URL('https://fediflow.example/notes/1'), content: 'Hello' }),
        }),
      );
      // Nothing is sent from the request path: the delivery waits in Redis.
      expect(remote.state.received).toHaveLength(0);
      expect((await queue.getDepth()).queued).toBeGreaterThanOrEqual(1);

      const worker = new AbortController();
      const running = federation.startQueue(undefined, { signal: worker.signal });

      // The first attempt fails; Fedify (nativeRetrial false) enqueues the retry with a delay
      // and the original message is acknowledged.
      await waitFor('the failed attempt and its scheduled retry', async () => {
        if (remote.state.received.length === 0) return undefined;
        const stats = await queue.stats();
        return stats.inFlight === 0 && stats.ready + stats.delayed === 1 ? stats : undefined;
      });
      expect(remote.state.received.every((request) => request.status === 503)).toBe(true);

      remote.state.failing = false;
      const delivered = await waitFor('the retried delivery', async () =>
        remote.state.received.find((request) => request.status === 202),
      );
      expect(JSON.parse(delivered.body)).toMatchObject({ id: activityId, type: 'Create' });
      // Signed as alice (draft-cavage `Signature` or RFC 9421 `Signature-Input`, whichever
      // Fedify's double knock settled on).
      const signatureParams = String(
        delivered.headers['signature-input'] ?? delivered.headers.signature,
      );
      expect(signatureParams).toMatch(/keyId="https:\/\/fediflow\.example\/users\/alice/i);
      // Fedify remembers in the KV store which signature spec the origin accepted.
      expect(
        await kv.get(['_fedify', 'httpMessageSignaturesSpec', remote.inbox.origin]),
      ).toBeDefined();
      await waitFor('the queue to drain', async () => {
        const stats = await queue.stats();
        return stats.ready + stats.delayed + stats.inFlight === 0 ? stats : undefined;
      });
      expect((await queue.stats()).dead).toBe(0);

      worker.abort();
      await running;
    } finally {
      remote.server.close();
    }
  });
});
