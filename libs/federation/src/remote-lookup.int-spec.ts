import { InProcessMessageQueue, MemoryKvStore } from '@fedify/fedify';
import { TEST_ORIGIN } from '@fediflow/testing';
import { migratedDatabase, type MigratedDatabase } from '@fediflow/testing/fixtures';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorKeyStore } from './actor-keys';
import { DomainBlocks } from './domain-blocks';
import { createFediflowFederation } from './fediflow-federation';
import { instanceKeyPair } from './instance-actor';
import { RemoteAccountResolver, parseAccountQuery } from './remote-lookup';
import { RemoteServer } from './remote-server.testing';

/**
 * The SSRF guard of remote account lookups: in production configuration nothing a member types
 * makes this server fetch from loopback — neither through the resolver nor through Fedify's
 * fetches underneath it. With private addresses allowed (tests), the same lookup succeeds.
 */
describe('RemoteAccountResolver and private addresses', () => {
  let db: DataSource;
  let database: MigratedDatabase;
  let remote: RemoteServer;
  let port: string;

  const resolver = (allowPrivateAddress: boolean) => {
    const keys = new ActorKeyStore(db);
    const federation = createFediflowFederation({
      origin: TEST_ORIGIN,
      db,
      keys,
      kv: new MemoryKvStore(),
      queue: new InProcessMessageQueue(),
      allowPrivateAddress,
    });
    return {
      federation,
      keys,
      resolver: new RemoteAccountResolver({
        federation,
        origin: TEST_ORIGIN,
        db,
        keys,
        domainBlocks: new DomainBlocks(db),
        allowPrivateAddress,
      }),
    };
  };

  beforeAll(async () => {
    database = await migratedDatabase('remote-lookup');
    ({ db } = database);
    remote = await RemoteServer.start();
    port = new URL(remote.origin).port;
  });
  afterAll(async () => {
    await remote?.close();
    await database?.release();
  });

  it('refuses loopback handles and URLs in production configuration, fetching nothing', async () => {
    const { resolver: production } = resolver(false);
    for (const input of [
      `bob@127.0.0.1:${port}`,
      `bob@localhost:${port}`,
      `bob@[::1]:${port}`,
      remote.actorId.href,
    ]) {
      const result = await production.resolve(parseAccountQuery(input), { fetch: true });
      expect(result, input).toMatchObject({
        status: 'failed',
        reason: 'private_address',
        message: expect.stringMatching(/private or loopback address/),
      });
    }
    expect(remote.fetched).toEqual([]);
  });

  it('Fedify’s own fetches refuse loopback too (the guard below the resolver)', async () => {
    const { federation, keys } = resolver(false);
    const ctx = federation.createContext(new URL(TEST_ORIGIN), undefined);
    const documentLoader = ctx.getDocumentLoader(await instanceKeyPair(TEST_ORIGIN, keys));
    await expect(documentLoader(remote.actorId.href)).rejects.toThrow();
    expect(await ctx.lookupObject(remote.actorId.href, { documentLoader })).toBeNull();
    expect(await ctx.lookupWebFinger(`acct:bob@127.0.0.1:${port}`)).toBeNull();
    expect(remote.fetched).toEqual([]);
  });

  it('with private addresses allowed (tests only) the same lookup stores the account', async () => {
    const { resolver: testing } = resolver(true);
    const result = await testing.resolve(parseAccountQuery(`bob@127.0.0.1:${port}`), {
      fetch: true,
    });
    expect(result).toMatchObject({ status: 'remote', accountId: expect.any(String) });
    expect(remote.fetched.map((request) => request.url)).toContain('/users/bob');
  });
});
