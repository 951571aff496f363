import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalMediaStorage, mediaKeys } from '@fediflow/media';
import {
  localMember,
  migratedDatabase,
  status,
  type MigratedDatabase,
} from '@fediflow/testing/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PruneUnattachedMedia } from './prune-unattached-media';

describe('PruneUnattachedMedia', () => {
  let database: MigratedDatabase;
  let dir: string;
  let storage: LocalMediaStorage;

  beforeAll(async () => {
    database = await migratedDatabase('prune-media');
    dir = await mkdtemp(join(tmpdir(), 'prune-media-'));
    storage = new LocalMediaStorage(dir, 'https://fediflow.test/system');
  });
  afterAll(async () => {
    await database?.release();
    await rm(dir, { recursive: true, force: true });
  });

  async function upload(accountId: string, hoursAgo: number, statusId: string | null) {
    const keys = mediaKeys('media_attachments', accountId, { original: 'png', small: 'png' });
    await storage.put(keys.original, Buffer.from('png'), 'image/png');
    await storage.put(keys.small!, Buffer.from('png'), 'image/png');
    const [row] = (await database.db.query(
      `INSERT INTO media_attachments (account_id, status_id, type, processing, file_key, small_file_key, created_at)
       VALUES ($1, $2, 'image', 'processed', $3, $4, now() - make_interval(hours => $5))
       RETURNING id::text AS id`,
      [accountId, statusId, keys.original, keys.small, hoursAgo],
    )) as { id: string }[];
    return { id: row!.id, key: keys.original };
  }

  it('deletes unattached uploads older than the retention with their files, nothing else', async () => {
    const member = await localMember(database.db, { username: 'pruner' });
    const statusId = await status(database.db, { accountId: member.accountId, text: 'with media' });
    const old = await upload(member.accountId, 30, null);
    const fresh = await upload(member.accountId, 1, null);
    const attached = await upload(member.accountId, 30, statusId);

    const result = await new PruneUnattachedMedia(database.db, storage).run(24);

    expect(result).toEqual({ deleted: 1 });
    const left = (await database.db.query(
      `SELECT id::text AS id FROM media_attachments ORDER BY id`,
    )) as {
      id: string;
    }[];
    expect(left.map((row) => row.id).sort()).toEqual([fresh.id, attached.id].sort());
    expect(await storage.stat(old.key)).toBeUndefined();
    expect(await storage.stat(fresh.key)).toBeDefined();
    expect(await storage.stat(attached.key)).toBeDefined();
  });
});
