import { waitFor } from '@fediflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC, startInboxScene, type InboxScene } from './inbox-scene.testing';

describe('inbound Delete', () => {
  let scene: InboxScene;

  beforeAll(async () => {
    scene = await startInboxScene('inbox-delete');
  });
  afterAll(async () => {
    await scene?.close();
  });

  it('Delete(Tombstone) by the author removes the post', async () => {
    const { deliver, note, create, remote, bobId, db } = scene;
    const post = note(1, { content: '<p>soon gone</p>' });
    expect(await deliver('/inbox', create(post))).toBe(202);
    await waitFor('the post', () => scene.statusRow(post.id));
    const id = post.id;
    expect(
      await deliver('/inbox', {
        id: `${id}#delete`,
        type: 'Delete',
        actor: remote.actorId.href,
        to: [PUBLIC],
        object: { id, type: 'Tombstone' },
      }),
    ).toBe(202);
    await waitFor('the post to be gone', async () => {
      const rows = (await db.query(`SELECT 1 FROM statuses WHERE uri = $1`, [id])) as unknown[];
      return rows.length === 0 ? true : undefined;
    });
    // The counter follows the deletion: it equals the posts still stored.
    const [counts] = (await db.query(
      `SELECT statuses_count,
              (SELECT count(*)::int FROM statuses WHERE account_id = $1) AS stored
         FROM accounts WHERE id = $1`,
      [bobId],
    )) as { statuses_count: number; stored: number }[];
    expect(counts!.statuses_count).toBe(counts!.stored);
  });
});
