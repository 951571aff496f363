import { exportJwk } from '@fedify/fedify';
import { migratedDatabase, type MigratedDatabase } from '@fediflow/testing/fixtures';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorKeyStore, type KeyPair } from './actor-keys';

describe('ActorKeyStore', () => {
  let db: DataSource;
  let database: MigratedDatabase;
  let accountId: string;

  beforeAll(async () => {
    database = await migratedDatabase('federation-keys');
    ({ db } = database);
    const [row] = (await db.query(
      `INSERT INTO accounts (username) VALUES ('alice') RETURNING id::text AS id`,
    )) as { id: string }[];
    accountId = row!.id;
  });
  afterAll(async () => {
    await database?.release();
  });

  const publicJwks = async (pairs: KeyPair[]) =>
    Promise.all(pairs.map((pair) => exportJwk(pair.publicKey)));

  it('generates RSA then Ed25519 once; concurrent first uses by two processes agree', async () => {
    const [first, second] = await Promise.all([
      new ActorKeyStore(db).forAccount(accountId),
      new ActorKeyStore(db).forAccount(accountId),
    ]);
    expect(first.map((pair) => pair.privateKey.algorithm.name)).toEqual([
      'RSASSA-PKCS1-v1_5',
      'Ed25519',
    ]);
    expect(await publicJwks(first)).toEqual(await publicJwks(second));
    const again = await new ActorKeyStore(db).forAccount(accountId);
    expect(await publicJwks(again)).toEqual(await publicJwks(first));
    expect(await db.query(`SELECT count(*)::int AS n FROM actor_keys`)).toEqual([{ n: 1 }]);
  });

  it('keeps one instance actor key set', async () => {
    const [a, b] = await Promise.all([
      new ActorKeyStore(db).forInstance(),
      new ActorKeyStore(db).forInstance(),
    ]);
    expect(await publicJwks(a)).toEqual(await publicJwks(b));
    expect(await db.query(`SELECT count(*)::int AS n FROM instance_actor_keys`)).toEqual([
      { n: 1 },
    ]);
  });
});
