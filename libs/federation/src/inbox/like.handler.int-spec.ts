import { waitFor } from '@fediflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInboxScene, type InboxScene } from './inbox-scene.testing';

describe('inbound Like', () => {
  let scene: InboxScene;

  beforeAll(async () => {
    scene = await startInboxScene('inbox-like');
  });
  afterAll(async () => {
    await scene?.close();
  });

  it('Like and Undo(Like) of a local status: favourite, count, notification, withdrawn', async () => {
    const { deliver, drained, remote, alice, bobId, db } = scene;
    const mine = await scene.localStatus(alice, 'like me');
    const favourites = async () =>
      (
        (await db.query(`SELECT favourites_count FROM statuses WHERE id = $1`, [mine.id])) as {
          favourites_count: number;
        }[]
      )[0]!.favourites_count;
    const notifications = () =>
      db.query(
        `SELECT type, from_account_id::text AS account, status_id::text AS status
           FROM notifications WHERE account_id = $1 AND type = 'favourite'`,
        [alice.accountId],
      );
    const like = {
      id: `${remote.origin}/users/bob#likes/1`,
      type: 'Like',
      actor: remote.actorId.href,
      object: mine.uri,
    };
    expect(await deliver('/users/alice/inbox', like)).toBe(202);
    const liked = await waitFor('the favourite', async () =>
      (await favourites()) === 1 ? 1 : undefined,
    );
    expect(liked).toBe(1);
    expect(await notifications()).toMatchObject([
      { type: 'favourite', account: bobId, status: mine.id },
    ]);
    // Redelivered: counted once.
    expect(await deliver('/users/alice/inbox', like)).toBe(202);
    await drained();
    expect(await favourites()).toBe(1);

    expect(
      await deliver('/users/alice/inbox', {
        id: `${like.id}/undo`,
        type: 'Undo',
        actor: remote.actorId.href,
        object: like,
      }),
    ).toBe(202);
    await waitFor('the favourite to be undone', async () =>
      (await favourites()) === 0 ? true : undefined,
    );
    expect(await notifications()).toEqual([]);
  });
});
