import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInboxScene, type InboxScene } from './inbox-scene.testing';

describe('the inbox listeners in front of every handler', () => {
  let scene: InboxScene;

  beforeAll(async () => {
    scene = await startInboxScene('inbox-listeners');
  });
  afterAll(async () => {
    await scene?.close();
  });

  it('drops activities from a blocked domain without touching the database', async () => {
    const { deliver, drained, note, create, statusRow, remote, runtime, bobId, db } = scene;
    const blocked = note(230, { content: '<p>from a blocked server</p>' });
    const before = await db.query(
      `SELECT statuses_count, display_name FROM accounts WHERE id = $1`,
      [bobId],
    );
    await runtime.domainBlocks.add(new URL(remote.origin).hostname, 'test');
    try {
      expect(await deliver('/inbox', create(blocked))).toBe(202);
      expect(
        await deliver('/inbox', {
          id: `${remote.actorId.href}#updates/blocked`,
          type: 'Update',
          actor: remote.actorId.href,
          object: { id: remote.actorId.href, type: 'Person', name: 'Blocked' },
        }),
      ).toBe(202);
      await drained();
    } finally {
      await runtime.domainBlocks.remove(new URL(remote.origin).hostname);
    }
    expect(await statusRow(blocked.id)).toBeUndefined();
    expect(
      await db.query(`SELECT statuses_count, display_name FROM accounts WHERE id = $1`, [bobId]),
    ).toEqual(before);
  });
});
