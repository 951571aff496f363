import { TEST_ORIGIN, waitFor } from '@fediflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInboxScene, type InboxScene } from './inbox-scene.testing';

describe('inbound Reject', () => {
  let scene: InboxScene;

  beforeAll(async () => {
    scene = await startInboxScene('inbox-reject');
  });
  afterAll(async () => {
    await scene?.close();
  });

  it('Reject(Follow) from the followed actor ends the follow', async () => {
    const { deliver, remote, alice, bobId, db } = scene;
    await db.query(`UPDATE follows SET uri = $2 WHERE account_id = $1`, [
      alice.accountId,
      `${TEST_ORIGIN}/users/alice#follows/1`,
    ]);
    expect(
      await deliver('/users/alice/inbox', {
        id: `${remote.origin}/users/bob#rejects/1`,
        type: 'Reject',
        actor: remote.actorId.href,
        object: `${TEST_ORIGIN}/users/alice#follows/1`,
      }),
    ).toBe(202);
    await waitFor('the follow to end', async () =>
      (await scene.follows(alice.accountId, bobId)) ? undefined : true,
    );
  });
});
