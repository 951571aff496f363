import { waitFor } from '@fediflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AS, startInboxScene, type InboxScene } from './inbox-scene.testing';

/** Create(Note) from bob, whom alice follows: what is stored, threaded, fetched and ignored. */
describe('inbound Create(Note)', () => {
  let scene: InboxScene;

  beforeAll(async () => {
    scene = await startInboxScene('inbox-create');
  });
  afterAll(async () => {
    await scene?.close();
  });

  const uri = (n: number) => `${scene.remote.origin}/users/bob/statuses/${n}`;
  const followBob = () =>
    scene.db.query(
      `INSERT INTO follows (account_id, target_account_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [scene.alice.accountId, scene.bobId],
    );
  const unfollowBob = () =>
    scene.db.query(`DELETE FROM follows WHERE account_id = $1`, [scene.alice.accountId]);

  it('a reply to a local status is threaded; a reply to a remote one too', async () => {
    const { deliver, note, create, statusRow, alice, db } = scene;
    const mine = await scene.localStatus(alice, 'what do you think?');
    const reply = note(2, { content: '<p>I agree</p>', inReplyTo: mine.uri });
    expect(await deliver('/inbox', create(reply))).toBe(202);
    const stored = await waitFor('the reply', () => statusRow(reply.id));
    expect(
      await db.query(
        `SELECT in_reply_to_id::text AS in_reply_to_id,
                in_reply_to_account_id::text AS in_reply_to_account_id
           FROM statuses WHERE id = $1`,
        [stored.id],
      ),
    ).toEqual([{ in_reply_to_id: mine.id, in_reply_to_account_id: alice.accountId }]);
    expect(await db.query(`SELECT replies_count FROM statuses WHERE id = $1`, [mine.id])).toEqual([
      { replies_count: 1 },
    ]);

    const second = note(3, { content: '<p>and more</p>', inReplyTo: reply.id });
    expect(await deliver('/inbox', create(second))).toBe(202);
    const threaded = await waitFor('the second reply', () => statusRow(second.id));
    expect(threaded.in_reply_to_id).toBe(stored.id);
  });

  it('ignores posts nobody here follows or is mentioned in, and forged authorship', async () => {
    const { deliver, note, create, drained, db } = scene;
    await unfollowBob();
    const unsolicited = note(4, { content: '<p>spam</p>' });
    expect(await deliver('/inbox', create(unsolicited))).toBe(202);
    await drained();
    await followBob();
    // Attributed to someone else than the signing actor.
    const forged = note(5, {
      content: '<p>forged</p>',
      attributedTo: 'https://elsewhere.example/users/eve',
    });
    expect(await deliver('/inbox', create(forged))).toBe(202);
    await drained();
    expect(
      await db.query(`SELECT uri FROM statuses WHERE uri = ANY($1::text[])`, [
        [unsolicited.id, forged.id],
      ]),
    ).toEqual([]);
  });

  it('keeps a reply to a local post from an actor nobody here follows', async () => {
    const { deliver, note, create, drained, db } = scene;
    await unfollowBob();
    try {
      const mine = await scene.localStatus(scene.carol, 'open question');
      const reply = note(20, { content: '<p>an answer</p>', inReplyTo: mine.uri });
      expect(await deliver('/inbox', create(reply))).toBe(202);
      await drained();
      // What the status context lists as its descendants.
      expect(
        await db.query(`SELECT uri FROM statuses WHERE in_reply_to_id = $1`, [mine.id]),
      ).toEqual([{ uri: reply.id }]);
    } finally {
      await followBob();
    }
  });

  it('a reply to an unknown remote post fetches its ancestors (at most 3) and threads it', async () => {
    const { deliver, note, create, drained, statusRow, serve, db } = scene;
    await followBob();
    // 200 ← 201 ← 202 ← 203 ← 204, and 205 replies to 204: 204, 203, 202 are fetched, 201 not.
    for (let n = 200; n <= 204; n++) {
      serve(
        note(n, { content: `<p>post ${n}</p>`, ...(n > 200 ? { inReplyTo: uri(n - 1) } : {}) }),
      );
    }
    const reply = note(205, { content: '<p>the reply</p>', inReplyTo: uri(204) });
    expect(await deliver('/inbox', create(reply))).toBe(202);
    expect(await deliver('/inbox', create(reply))).toBe(202);
    await drained();
    const [r205, r204, r203, r202, r201] = await Promise.all(
      [205, 204, 203, 202, 201].map((n) => statusRow(uri(n))),
    );
    expect(r205).toMatchObject({ in_reply_to_id: r204?.id, in_reply_to_uri: uri(204) });
    expect(r204).toMatchObject({ in_reply_to_id: r203?.id, replies_count: 1 });
    expect(r203).toMatchObject({ in_reply_to_id: r202?.id });
    // The budget ended at 202: stored with its parent's URI, unthreaded.
    expect(r202).toMatchObject({ in_reply_to_id: null, in_reply_to_uri: uri(201) });
    expect(r201).toBeUndefined();
    expect(
      await db.query(`SELECT count(*)::int AS n FROM statuses WHERE uri = $1`, [uri(205)]),
    ).toEqual([{ n: 1 }]);
  });

  it('a reply to an unreachable post is stored unthreaded, then threaded when the post arrives', async () => {
    const { deliver, note, create, drained, statusRow } = scene;
    const missing = note(210, { content: '<p>late</p>' });
    const reply = note(211, { content: '<p>early reply</p>', inReplyTo: missing.id });
    expect(await deliver('/inbox', create(reply))).toBe(202);
    const early = await waitFor('the reply', () => statusRow(reply.id));
    expect(early).toMatchObject({ in_reply_to_id: null, in_reply_to_uri: missing.id });

    expect(await deliver('/inbox', create(missing))).toBe(202);
    const parent = await waitFor('the parent', () => statusRow(missing.id));
    expect(parent.replies_count).toBe(1);
    expect(await statusRow(reply.id)).toMatchObject({ in_reply_to_id: parent.id });
    // Redelivered: counted once.
    expect(await deliver('/inbox', create(missing))).toBe(202);
    await drained();
    expect((await statusRow(missing.id))?.replies_count).toBe(1);
  });

  it('stores a remote post’s Hashtag tags, so the tag timeline shows it; an edit moves it', async () => {
    const { deliver, note, create, remote } = scene;
    const tagged = (name: string) => ({
      type: 'Hashtag',
      href: `${remote.origin}/tags/${name.toLowerCase()}`,
      name: `#${name}`,
    });
    const object = note(31, {
      content: '<p>on <a href="x" class="hashtag" rel="tag">#<span>Interop</span></a></p>',
      // Misskey sends names with `#` as written; a name without `#` is still a tag (Mastodon).
      tag: [tagged('Interop'), { type: 'Hashtag', name: 'NoHash' }, tagged('bad tag!')],
    });
    // `Hashtag` is not an ActivityStreams term: senders define it in their context (Mastodon's).
    const context = [AS, { Hashtag: 'as:Hashtag' }];
    expect(await deliver('/inbox', { '@context': context, ...create(object) })).toBe(202);
    // The statuses the tag timeline is made of.
    const timeline = async (tag: string) =>
      (
        (await scene.db.query(
          `SELECT s.uri FROM statuses s
             JOIN status_tags st ON st.status_id = s.id JOIN tags t ON t.id = st.tag_id
            WHERE t.name = $1 ORDER BY s.id`,
          [tag],
        )) as { uri: string }[]
      ).map((row) => row.uri);
    await waitFor('the post on #interop', async () =>
      (await timeline('interop')).includes(object.id) ? true : undefined,
    );
    expect(await timeline('nohash')).toEqual([object.id]);
    const edited = note(31, { content: '<p>now #Moved</p>', tag: [tagged('Moved')] });
    expect(
      await deliver('/inbox', {
        '@context': context,
        id: `${edited.id}#updates/2`,
        type: 'Update',
        actor: remote.actorId.href,
        to: edited.to,
        object: edited,
      }),
    ).toBe(202);
    await waitFor('the post on #moved', async () =>
      (await timeline('moved')).includes(object.id) ? true : undefined,
    );
    expect(await timeline('interop')).toEqual([]);
  });
});
