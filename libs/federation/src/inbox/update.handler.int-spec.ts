import { waitFor } from '@fediflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AS, PUBLIC, startInboxScene, type InboxScene } from './inbox-scene.testing';

describe('inbound Update', () => {
  let scene: InboxScene;

  beforeAll(async () => {
    scene = await startInboxScene('inbox-update');
  });
  afterAll(async () => {
    await scene?.close();
  });

  it('Update(Note) by the author edits the stored post (sanitised)', async () => {
    const { deliver, note, create, remote, db } = scene;
    const original = note(1, { content: '<p>Hello</p>' });
    expect(await deliver('/inbox', create(original))).toBe(202);
    await waitFor('the post', () => scene.statusRow(original.id));
    const edited = note(1, { content: '<p>Edited <b>now</b><script>x</script></p>' });
    expect(
      await deliver('/inbox', {
        id: `${edited.id}#updates/1`,
        type: 'Update',
        actor: remote.actorId.href,
        to: edited.to,
        object: edited,
      }),
    ).toBe(202);
    const post = await waitFor('the edit', async () => {
      const [row] = (await db.query(`SELECT content, edited_at FROM statuses WHERE uri = $1`, [
        edited.id,
      ])) as { content: string; edited_at: Date | null }[];
      return row?.content.includes('Edited') ? row : undefined;
    });
    expect(post.content).toBe('<p>Edited now</p>');
    expect(post.edited_at).not.toBeNull();
    const revisions = () =>
      db.query(
        `SELECT e.content FROM status_edits e JOIN statuses s ON s.id = e.status_id
          WHERE s.uri = $1 ORDER BY e.created_at, e.id`,
        [edited.id],
      );
    // The original is kept as the first revision, then the edit (Mastodon's StatusEdit).
    expect(await revisions()).toEqual([
      { content: '<p>Hello</p>' },
      { content: '<p>Edited now</p>' },
    ]);
    // Redelivered, the same Update adds no revision.
    expect(
      await deliver('/inbox', {
        id: `${edited.id}#updates/1`,
        type: 'Update',
        actor: remote.actorId.href,
        to: edited.to,
        object: edited,
      }),
    ).toBe(202);
    await scene.drained();
    expect(await revisions()).toHaveLength(2);
  });

  it('Update(Person) by the actor refreshes the stored account; of another actor, ignored', async () => {
    const { deliver, drained, remote, bobId, db } = scene;
    const update = (name: string, id = remote.actorId.href) => ({
      // Mastodon's context: `manuallyApprovesFollowers` is an extension term.
      '@context': [AS, { manuallyApprovesFollowers: 'as:manuallyApprovesFollowers' }],
      id: `${remote.actorId.href}#updates/${name}`,
      type: 'Update',
      actor: remote.actorId.href,
      to: [PUBLIC],
      object: {
        id,
        type: 'Person',
        preferredUsername: 'bob',
        name,
        summary: '<p>New <b>bio</b></p>',
        manuallyApprovesFollowers: true,
        inbox: `${remote.origin}/users/bob/inbox2`,
        endpoints: { sharedInbox: `${remote.origin}/shared` },
      },
    });
    const account = () =>
      db.query(
        `SELECT display_name, note, locked, inbox_url, shared_inbox_url FROM accounts WHERE id = $1`,
        [bobId],
      );
    const refreshed = [
      {
        display_name: 'Robert',
        note: '<p>New bio</p>',
        locked: true,
        inbox_url: `${remote.origin}/users/bob/inbox2`,
        shared_inbox_url: `${remote.origin}/shared`,
      },
    ];
    expect(await deliver('/inbox', update('Robert'))).toBe(202);
    expect(await deliver('/inbox', update('Robert'))).toBe(202);
    await drained();
    expect(await account()).toEqual(refreshed);
    // Same origin, but not the signing actor: nothing changes.
    expect(await deliver('/inbox', update('Mallory', `${remote.origin}/users/eve`))).toBe(202);
    await drained();
    expect(await account()).toEqual(refreshed);
  });
});
