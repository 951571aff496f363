import { type FederationRuntime } from '@fediflow/federation';
import {
  AS,
  remoteCreate,
  remoteNote,
  type BobNote,
  PUBLIC,
  RemoteServer,
} from '@fediflow/federation/testing';
import { registerApp, registerMembers, waitFor, type Member, TEST_ORIGIN } from '@fediflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusJson } from '../statuses/status.view';
import { type ApiHarness } from '../testing/api-harness.testing';
import { startFederatedApi, type FederatedApi } from './federated-api.testing';

/**
 * Remote activities arriving at the inboxes (signed, enqueued, handled by a worker-side runtime on
 * the same database and Redis prefix) as the member API sees them. What each handler stores is
 * tested beside it (libs/federation/src/inbox/*.int-spec.ts); these need the API itself: its
 * rendering and home timeline, its follow-request approval, and its boost next to remote data.
 */
describe('federation inbound posts (inbox → queue → home timeline)', () => {
  let api: ApiHarness;
  let remote: RemoteServer;
  let worker: FederationRuntime;
  let federated: FederatedApi;
  let alice: Member;
  let carol: Member;
  let bobId: string;

  const deliver = async (path: string, activity: unknown, sign = true, from = remote) => {
    const response = await worker.federation.fetch(
      await from.post(
        `${TEST_ORIGIN}${path}`,
        { '@context': AS, ...(activity as object) },
        { sign },
      ),
      { contextData: undefined },
    );
    return response.status;
  };
  const drained = () =>
    waitFor('the queue to drain', async () => {
      const stats = await worker.queue.stats();
      return stats.ready + stats.delayed + stats.inFlight === 0 ? stats : undefined;
    });
  const home = async (member: Member) =>
    (await member.client.get<StatusJson[]>('/api/v1/timelines/home')).body;
  const note = (n: number, extra: Record<string, unknown> = {}) => remoteNote(remote, n, extra);
  const create = (object: BobNote) => remoteCreate(remote, object);

  beforeAll(async () => {
    federated = await startFederatedApi('federation-inbound');
    ({ api, remote, worker, bobId } = federated);
    const app = await registerApp(api.base);
    [alice, carol] = await registerMembers(api.base, app, ['alice', 'carol']);
    // alice follows bob (as an accepted remote follow leaves it).
    await api.db.query(`INSERT INTO follows (account_id, target_account_id) VALUES ($1, $2)`, [
      alice.accountId,
      bobId,
    ]);
  });
  afterAll(async () => {
    await federated?.close();
  });

  it('a followed actor’s Create(Note) reaches the follower’s home timeline, sanitised', async () => {
    const object = note(1, {
      content:
        '<p>Hello <span class="h-card"><a href="https://fediflow.test/@carol" class="u-url mention">@<span>carol</span></a></span><script>alert(1)</script> <a href="javascript:alert(2)" onclick="x()">x</a><img src=x onerror=alert(3)></p>',
      tag: [{ type: 'Mention', href: `${TEST_ORIGIN}/users/carol`, name: '@carol@fediflow.test' }],
    });
    expect(await deliver('/inbox', create(object), false)).toBe(401);
    expect(await deliver('/inbox', create(object))).toBe(202);
    const post = await waitFor('the post in alice’s home', async () =>
      (await home(alice)).find((status) => status.uri === object.id),
    );
    expect(post).toMatchObject({
      url: object.url,
      visibility: 'public',
      content:
        '<p>Hello <span class="h-card"><a href="https://fediflow.test/@carol" rel="nofollow noopener noreferrer" target="_blank" class="u-url mention">@<span>carol</span></a></span> <a rel="nofollow noopener noreferrer" target="_blank">x</a></p>',
      created_at: '2026-01-02T03:04:05.000Z',
      account: { id: bobId, acct: `bob@${new URL(remote.origin).host}` },
    });
    // carol, mentioned (not a follower), is notified; the post is not in her home.
    const { body: notifications } =
      await carol.client.get<{ type: string; status?: { uri: string } }[]>('/api/v1/notifications');
    expect(notifications).toMatchObject([{ type: 'mention', status: { uri: object.id } }]);
    expect((await home(carol)).map((s) => s.uri)).not.toContain(object.id);

    // Redelivered: still one copy, counted once.
    expect(await deliver('/users/alice/inbox', create(object))).toBe(202);
    await drained();
    expect(
      await api.db.query(
        `SELECT (SELECT count(*)::int FROM statuses WHERE uri = $1) AS copies,
                (SELECT statuses_count FROM accounts WHERE id = $2) AS count`,
        [object.id, bobId],
      ),
    ).toEqual([{ copies: 1, count: 1 }]);
  });

  it('a remote Note’s attachments show as MediaAttachments referencing their origin', async () => {
    const image = `${remote.origin}/media/cat.jpg`;
    const video = `${remote.origin}/media/clip.mp4`;
    const object = note(50, {
      content: '<p>With media</p>',
      attachment: [
        {
          type: 'Document',
          mediaType: 'image/jpeg',
          url: image,
          name: 'A cat',
          width: 800,
          height: 600,
        },
        { type: 'Video', name: null, url: { type: 'Link', href: video, mediaType: 'video/mp4' } },
        { type: 'Document', mediaType: 'image/png', url: 'javascript:alert(1)' },
      ],
    });
    expect(await deliver('/inbox', create(object))).toBe(202);
    const post = await waitFor('the post in alice’s home', async () =>
      (await home(alice)).find((status) => status.uri === object.id),
    );
    expect(post.media_attachments).toEqual([
      expect.objectContaining({
        type: 'image',
        url: image,
        preview_url: image,
        remote_url: image,
        description: 'A cat',
        meta: expect.objectContaining({
          original: expect.objectContaining({ width: 800, height: 600 }),
        }),
      }),
      expect.objectContaining({ type: 'video', url: video, remote_url: video, description: null }),
    ]);
  });

  it('custom emoji of a remote post are listed in its `emojis` as Mastodon does', async () => {
    const emoji = (shortcode: string) => ({
      type: 'Emoji',
      id: `${remote.origin}/emojis/${shortcode}`,
      name: `:${shortcode}:`,
      icon: { type: 'Image', mediaType: 'image/png', url: `${remote.origin}/e/${shortcode}.png` },
    });
    // `:unused:` is tagged but not in the text: Mastodon lists only the emoji the text uses.
    const object = note(40, {
      content: '<p>tea time :blobcat: :blobfox:</p>',
      tag: [emoji('blobcat'), emoji('blobfox'), emoji('unused')],
    });
    // Mastodon's context names `Emoji` (toot:Emoji); without it the tag is not an Emoji.
    const activity = {
      ...create(object),
      '@context': [AS, { toot: 'http://joinmastodon.org/ns#', Emoji: 'toot:Emoji' }],
    };
    expect(await deliver('/inbox', activity)).toBe(202);
    const post = await waitFor('the post in alice’s home', async () =>
      (await home(alice)).find((status) => status.uri === object.id),
    );
    expect(post.emojis).toEqual(
      ['blobcat', 'blobfox'].map((shortcode) => ({
        shortcode,
        url: `${remote.origin}/e/${shortcode}.png`,
        static_url: `${remote.origin}/e/${shortcode}.png`,
        visible_in_picker: false,
        category: null,
      })),
    );
    // Another server's emoji of the same name is not this one.
    await api.db.query(
      `UPDATE custom_emojis SET domain = 'elsewhere.example' WHERE shortcode = 'blobfox'`,
    );
    const again = (await home(alice)).find((status) => status.uri === object.id);
    expect(again?.emojis.map((e) => e.shortcode)).toEqual(['blobcat']);
  });

  /** The stored row of a status by URI (what the API threads and counts from). */
  const statusRow = async (uri: string) =>
    (
      (await api.db.query(
        `SELECT id::text AS id, in_reply_to_id::text AS in_reply_to_id, in_reply_to_uri,
                replies_count, reblogs_count, favourites_count
           FROM statuses WHERE uri = $1`,
        [uri],
      )) as {
        id: string;
        in_reply_to_id: string | null;
        in_reply_to_uri: string | null;
        replies_count: number;
        reblogs_count: number;
        favourites_count: number;
      }[]
    )[0];
  it('approving a remote follow request keeps the Follow’s id, so Undo by URI ends it', async () => {
    await api.db.query(`UPDATE accounts SET locked = true WHERE id = $1`, [carol.accountId]);
    const follow = {
      id: `${remote.actorId.href}#follows/carol`,
      type: 'Follow',
      actor: remote.actorId.href,
      object: `${TEST_ORIGIN}/users/carol`,
    };
    expect(await deliver('/users/carol/inbox', follow)).toBe(202);
    await waitFor('the follow request', async () => {
      const rows = (await api.db.query(
        `SELECT 1 FROM follow_requests WHERE account_id = $1 AND target_account_id = $2`,
        [bobId, carol.accountId],
      )) as unknown[];
      return rows.length > 0 ? true : undefined;
    });
    const { status } = await carol.client.post(`/api/v1/follow_requests/${bobId}/authorize`, {});
    expect(status).toBe(200);
    expect(
      await api.db.query(
        `SELECT uri FROM follows WHERE account_id = $1 AND target_account_id = $2`,
        [bobId, carol.accountId],
      ),
    ).toEqual([{ uri: follow.id }]);

    expect(
      await deliver('/users/carol/inbox', {
        id: `${follow.id}/undo`,
        type: 'Undo',
        actor: remote.actorId.href,
        object: follow.id,
      }),
    ).toBe(202);
    await waitFor('the follow to end', async () => {
      const rows = (await api.db.query(
        `SELECT 1 FROM follows WHERE account_id = $1 AND target_account_id = $2`,
        [bobId, carol.accountId],
      )) as unknown[];
      return rows.length === 0 ? true : undefined;
    });
    expect(
      await api.db.query(`SELECT followers_count FROM accounts WHERE id = $1`, [carol.accountId]),
    ).toEqual([{ followers_count: 0 }]);
  });

  it('Delete of an actor removes its account and data, adjusts counters, and is a no-op again', async () => {
    // A second server, so that bob of the first one stays for the other tests.
    const gone = await RemoteServer.start();
    try {
      const goneUri = gone.actorId.href;
      const { body: mine } = await alice.client.post<StatusJson>('/api/v1/statuses', {
        status: 'liked and boosted by a leaver',
      });
      const counts = () =>
        api.db.query(
          `SELECT (SELECT followers_count FROM accounts WHERE id = $1) AS followers,
                  (SELECT following_count FROM accounts WHERE id = $1) AS following,
                  (SELECT statuses_count FROM accounts WHERE id = $2) AS carol_statuses,
                  (SELECT favourites_count FROM statuses WHERE id = $3) AS favourites,
                  (SELECT reblogs_count FROM statuses WHERE id = $3) AS reblogs,
                  (SELECT count(*)::int FROM notifications WHERE account_id = $1) AS notifications`,
          [alice.accountId, carol.accountId, mine.id],
        );
      const before = await counts();

      // It follows alice (accepted), alice follows it, it posts, likes and boosts alice's post,
      // and carol boosts its post.
      expect(
        await deliver(
          '/users/alice/inbox',
          {
            id: `${goneUri}#follows/1`,
            type: 'Follow',
            actor: goneUri,
            object: `${TEST_ORIGIN}/users/alice`,
          },
          true,
          gone,
        ),
      ).toBe(202);
      const goneId = await waitFor('its account', async () => {
        const rows = (await api.db.query(`SELECT id::text AS id FROM accounts WHERE uri = $1`, [
          goneUri,
        ])) as { id: string }[];
        return rows[0]?.id;
      });
      await api.db.query(
        `WITH f AS (INSERT INTO follows (account_id, target_account_id) VALUES ($1, $2))
         UPDATE accounts SET following_count = following_count + 1 WHERE id = $1`,
        [alice.accountId, goneId],
      );
      const post = {
        id: `${gone.origin}/users/bob/statuses/1`,
        type: 'Note',
        attributedTo: goneUri,
        content: '<p>bye soon</p>',
        to: [PUBLIC],
      };
      const activities = [
        { id: `${post.id}/activity`, type: 'Create', actor: goneUri, to: [PUBLIC], object: post },
        {
          id: `${goneUri}#likes/1`,
          type: 'Like',
          actor: goneUri,
          object: `${TEST_ORIGIN}/users/alice/statuses/${mine.id}`,
        },
        {
          id: `${goneUri}#announces/1`,
          type: 'Announce',
          actor: goneUri,
          to: [PUBLIC],
          object: `${TEST_ORIGIN}/users/alice/statuses/${mine.id}`,
        },
      ];
      for (const activity of activities) {
        expect(await deliver('/users/alice/inbox', activity, true, gone)).toBe(202);
      }
      await drained();
      const stored = await statusRow(post.id);
      expect(stored).toBeDefined();
      expect((await carol.client.post(`/api/v1/statuses/${stored?.id}/reblog`, {})).status).toBe(
        200,
      );
      expect(await counts()).not.toEqual(before);

      const del = {
        id: `${goneUri}#delete`,
        type: 'Delete',
        actor: goneUri,
        to: [PUBLIC],
        object: goneUri,
      };
      expect(await deliver('/inbox', del, true, gone)).toBe(202);
      await waitFor('the account to be gone', async () => {
        const rows = (await api.db.query(`SELECT 1 FROM accounts WHERE uri = $1`, [
          goneUri,
        ])) as unknown[];
        return rows.length === 0 ? true : undefined;
      });
      expect(await counts()).toEqual(before);
      expect(await statusRow(post.id)).toBeUndefined();
      const locals = async () =>
        api.db.query(`SELECT id::text AS id FROM accounts WHERE domain IS NULL ORDER BY id`);
      const localsAfter = await locals();
      expect(localsAfter.length).toBeGreaterThanOrEqual(2);

      // Redelivered, and a later post from it: nothing changes.
      expect(await deliver('/inbox', del, true, gone)).toBe(202);
      expect(
        await deliver(
          '/inbox',
          { ...activities[0], id: `${post.id}/again`, object: { ...post, id: `${post.id}x` } },
          true,
          gone,
        ),
      ).toBe(202);
      await drained();
      expect(await counts()).toEqual(before);
      expect(await locals()).toEqual(localsAfter);
      expect(await statusRow(`${post.id}x`)).toBeUndefined();
    } finally {
      await gone.close();
    }
  });
});
