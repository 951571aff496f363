import { pendingMigrations } from '@fediflow/database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localMember, remoteActor } from './accounts.factory';
import { migratedDatabase, type MigratedDatabase } from './migrated-database';
import { status } from './status.factory';

describe('fixtures on a migrated database', () => {
  let database: MigratedDatabase;

  beforeAll(async () => {
    database = await migratedDatabase('fixtures');
  });
  afterAll(async () => {
    await database?.release();
  });

  it('has no pending migration', async () => {
    expect(await pendingMigrations(database.db)).toEqual([]);
  });

  it('creates a member with a login, a remote actor on its host, and a post', async () => {
    const { db } = database;
    const alice = await localMember(db, { username: 'alice', locked: true, digest: true });
    const bob = await remoteActor(db, {
      username: 'bob',
      uri: 'https://remote.example:8443/users/bob',
      inbox: 'https://remote.example:8443/users/bob/inbox',
    });
    const post = await status(db, { accountId: alice.accountId, text: 'hi' });
    expect(
      await db.query(
        `SELECT a.locked, u.email, u.digest_enabled FROM accounts a JOIN users u ON u.account_id = a.id
          WHERE a.id = $1`,
        [alice.accountId],
      ),
    ).toEqual([{ locked: true, email: alice.email, digest_enabled: true }]);
    expect(
      await db.query(`SELECT domain, inbox_url, shared_inbox_url FROM accounts WHERE id = $1`, [
        bob,
      ]),
    ).toEqual([
      {
        domain: 'remote.example:8443',
        inbox_url: 'https://remote.example:8443/users/bob/inbox',
        shared_inbox_url: null,
      },
    ]);
    expect(
      await db.query(`SELECT local, content, visibility FROM statuses WHERE id = $1`, [post]),
    ).toEqual([{ local: true, content: '<p>hi</p>', visibility: 'public' }]);
  });

  it('drops its database on release', async () => {
    const other = await migratedDatabase('fixtures-release');
    const exists = async () =>
      (await database.db.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [
        other.infra.database.name,
      ])) as unknown[];
    expect(await exists()).toHaveLength(1);
    await other.release();
    expect(await exists()).toEqual([]);
  });
});
