import { type FederationRuntime } from '@fediflow/federation';
import { RemoteServer } from '@fediflow/federation/testing';
import { registerApp, registerMembers, waitFor, type Member } from '@fediflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusJson } from '../statuses/status.view';
import { TEST_ORIGIN, type ApiHarness } from '../testing/api-harness.testing';
import { startFederatedApi, type FederatedApi } from './federated-api.testing';

const AS = 'https://www.w3.org/ns/activitystreams';
const PUBLIC = `${AS}#Public`;

/**
 * Remote posts arriving at the inboxes (signed, enqueued, handled by a worker-side runtime on the
 * same database and Redis prefix) and then read through the member API.
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
  const note = (n: number, extra: Record<string, unknown> = {}) => ({
    id: `${remote.origin}/users/bob/statuses/${n}`,
    type: 'Note',
    attributedTo: remote.actorId.href,
    url: `${remote.origin}/@bob/${n}`,
    published: '2026-01-02T03:04:05Z',
    to: [PUBLIC],
    cc: [`${remote.origin}/users/bob/followers`],
    ...extra,
  });
  const create = (object: ReturnType<typeof note>) => ({
    id: `${object.id}/activity`,
    type: 'Create',
    actor: remote.actorId.href,
    to: object.to,
    cc: object.cc,
    object,
  });

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

  it('a reply to a local status is threaded; a reply to a remote one too', async () => {
    const { body: mine } = await alice.client.post<StatusJson>('/api/v1/statuses', {
      status: 'what do you think?',
    });
    const reply = note(2, {
      content: '<p>I agree</p>',
      inReplyTo: `${TEST_ORIGIN}/users/alice/statuses/${mine.id}`,
    });
    expect(await deliver('/inbox', create(reply))).toBe(202);
    const stored = await waitFor('the reply', async () =>
      (await home(alice)).find((status) => status.uri === reply.id),
    );
    expect(stored).toMatchObject({
      in_reply_to_id: mine.id,
      in_reply_to_account_id: alice.accountId,
    });
    const { body: parent } = await alice.client.get<StatusJson>(`/api/v1/statuses/${mine.id}`);
    expect(parent.replies_count).toBe(1);

    const second = note(3, { content: '<p>and more</p>', inReplyTo: reply.id });
    expect(await deliver('/inbox', create(second))).toBe(202);
    const threaded = await waitFor('the second reply', async () =>
      (await home(alice)).find((status) => status.uri === second.id),
    );
    expect(threaded.in_reply_to_id).toBe(stored.id);
  });

  it('ignores posts nobody here follows or is mentioned in, and forged authorship', async () => {
    await api.db.query(`DELETE FROM follows WHERE account_id = $1`, [alice.accountId]);
    const unsolicited = note(4, { content: '<p>spam</p>' });
    expect(await deliver('/inbox', create(unsolicited))).toBe(202);
    await drained();
    await api.db.query(`INSERT INTO follows (account_id, target_account_id) VALUES ($1, $2)`, [
      alice.accountId,
      bobId,
    ]);
    // Attributed to someone else than the signing actor.
    const forged = note(5, {
      content: '<p>forged</p>',
      attributedTo: 'https://elsewhere.example/users/eve',
    });
    expect(await deliver('/inbox', create(forged))).toBe(202);
    await drained();
    expect(
      await api.db.query(`SELECT uri FROM statuses WHERE uri = ANY($1::text[])`, [
        [unsolicited.id, forged.id],
      ]),
    ).toEqual([]);
  });

  it('keeps a reply to a local post from an actor nobody here follows', async () => {
    await api.db.query(`DELETE FROM follows WHERE account_id = $1`, [alice.accountId]);
    try {
      const { body: mine } = await carol.client.post<StatusJson>('/api/v1/statuses', {
        status: 'open question',
      });
      const reply = note(20, {
        content: '<p>an answer</p>',
        inReplyTo: `${TEST_ORIGIN}/users/carol/statuses/${mine.id}`,
      });
      expect(await deliver('/inbox', create(reply))).toBe(202);
      await drained();
      const { body: context } = await carol.client.get<{ descendants: StatusJson[] }>(
        `/api/v1/statuses/${mine.id}/context`,
      );
      expect(context.descendants.map((status) => status.uri)).toEqual([reply.id]);
    } finally {
      await api.db.query(`INSERT INTO follows (account_id, target_account_id) VALUES ($1, $2)`, [
        alice.accountId,
        bobId,
      ]);
    }
  });

  it('Update(Note) by the author edits the stored post (sanitised)', async () => {
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
    const post = await waitFor('the edit', async () =>
      (await home(alice)).find((s) => s.uri === edited.id && s.content.includes('Edited')),
    );
    expect(post.content).toBe('<p>Edited now</p>');
    expect(post.edited_at).not.toBeNull();
  });

  it('stores a remote post’s Hashtag tags, so the tag timeline shows it; an edit moves it', async () => {
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
    const timeline = async (tag: string) =>
      (await alice.client.get<StatusJson[]>(`/api/v1/timelines/tag/${tag}`)).body.map((s) => s.uri);
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

  it('Like and Undo(Like) of a local status: favourite, count, notification, withdrawn', async () => {
    const { body: mine } = await alice.client.post<StatusJson>('/api/v1/statuses', {
      status: 'like me',
    });
    const like = {
      id: `${remote.origin}/users/bob#likes/1`,
      type: 'Like',
      actor: remote.actorId.href,
      object: `${TEST_ORIGIN}/users/alice/statuses/${mine.id}`,
    };
    expect(await deliver('/users/alice/inbox', like)).toBe(202);
    const liked = await waitFor('the favourite', async () => {
      const { body } = await alice.client.get<StatusJson>(`/api/v1/statuses/${mine.id}`);
      return body.favourites_count === 1 ? body : undefined;
    });
    expect(liked.favourites_count).toBe(1);
    const { body: notifications } = await alice.client.get<
      { type: string; account: { id: string }; status?: { id: string } }[]
    >('/api/v1/notifications?types[]=favourite');
    expect(notifications).toMatchObject([
      { type: 'favourite', account: { id: bobId }, status: { id: mine.id } },
    ]);
    // Redelivered: counted once.
    expect(await deliver('/users/alice/inbox', like)).toBe(202);
    await drained();
    expect(
      (await alice.client.get<StatusJson>(`/api/v1/statuses/${mine.id}`)).body.favourites_count,
    ).toBe(1);

    expect(
      await deliver('/users/alice/inbox', {
        id: `${like.id}/undo`,
        type: 'Undo',
        actor: remote.actorId.href,
        object: like,
      }),
    ).toBe(202);
    await waitFor('the favourite to be undone', async () => {
      const { body } = await alice.client.get<StatusJson>(`/api/v1/statuses/${mine.id}`);
      return body.favourites_count === 0 ? true : undefined;
    });
    const { body: after } = await alice.client.get<unknown[]>(
      '/api/v1/notifications?types[]=favourite',
    );
    expect(after).toEqual([]);
  });

  it('Announce and Undo(Announce): a boost of a local status, counted and notified', async () => {
    const { body: mine } = await alice.client.post<StatusJson>('/api/v1/statuses', {
      status: 'boost me',
    });
    const announce = {
      id: `${remote.origin}/users/bob/statuses/50/activity`,
      type: 'Announce',
      actor: remote.actorId.href,
      to: [PUBLIC],
      cc: [`${remote.origin}/users/bob/followers`],
      object: `${TEST_ORIGIN}/users/alice/statuses/${mine.id}`,
    };
    expect(await deliver('/inbox', announce)).toBe(202);
    expect(await deliver('/inbox', announce)).toBe(202);
    await drained();
    const { body: boosted } = await alice.client.get<StatusJson>(`/api/v1/statuses/${mine.id}`);
    expect(boosted.reblogs_count).toBe(1);
    const { body: notifications } = await alice.client.get<
      { type: string; account: { id: string }; status?: { id: string } }[]
    >('/api/v1/notifications?types[]=reblog');
    expect(notifications).toMatchObject([
      { type: 'reblog', account: { id: bobId }, status: { id: mine.id } },
    ]);
    // alice follows bob: his boost shows in her home timeline, as a reblog of her status.
    const inHome = (await home(alice)).find((s) => s.reblog?.id === mine.id);
    expect(inHome).toMatchObject({ account: { id: bobId } });

    expect(
      await deliver('/inbox', {
        id: `${announce.id}#undo`,
        type: 'Undo',
        actor: remote.actorId.href,
        object: announce.id,
      }),
    ).toBe(202);
    await waitFor('the boost to be undone', async () => {
      const { body } = await alice.client.get<StatusJson>(`/api/v1/statuses/${mine.id}`);
      return body.reblogs_count === 0 ? true : undefined;
    });
    expect(
      (await alice.client.get<unknown[]>('/api/v1/notifications?types[]=reblog')).body,
    ).toEqual([]);
  });

  it('Delete(Tombstone) by the author removes the post', async () => {
    const id = `${remote.origin}/users/bob/statuses/1`;
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
      const rows = (await api.db.query(`SELECT 1 FROM statuses WHERE uri = $1`, [id])) as unknown[];
      return rows.length === 0 ? true : undefined;
    });
    expect((await home(alice)).map((s) => s.uri)).not.toContain(id);
    // The counter follows the deletion: it equals the posts still stored.
    const [counts] = (await api.db.query(
      `SELECT statuses_count,
              (SELECT count(*)::int FROM statuses WHERE account_id = $1) AS stored
         FROM accounts WHERE id = $1`,
      [bobId],
    )) as { statuses_count: number; stored: number }[];
    expect(counts!.statuses_count).toBe(counts!.stored);
  });

  it('Reject(Follow) from the followed actor ends the follow', async () => {
    await api.db.query(`UPDATE follows SET uri = $2 WHERE account_id = $1`, [
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
    await waitFor('the follow to end', async () => {
      const { body } = await alice.client.get<{ following: boolean }[]>(
        `/api/v1/accounts/relationships?id[]=${bobId}`,
      );
      return body[0] && !body[0].following ? true : undefined;
    });
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
  const followBob = () =>
    api.db.query(
      `INSERT INTO follows (account_id, target_account_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [alice.accountId, bobId],
    );
  /** Serves `object` at its id on the remote server (as a fetchable document). */
  const serve = (object: { id: string }) =>
    remote.documents.set(new URL(object.id).pathname, { '@context': AS, ...object });

  it('Update(Person) by the actor refreshes the stored account; of another actor, ignored', async () => {
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
      api.db.query(
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

  it('a reply to an unknown remote post fetches its ancestors (at most 3) and threads it', async () => {
    await followBob();
    // 200 ← 201 ← 202 ← 203 ← 204, and 205 replies to 204: 204, 203, 202 are fetched, 201 not.
    for (let n = 200; n <= 204; n++) {
      serve(
        note(n, {
          content: `<p>post ${n}</p>`,
          ...(n > 200 ? { inReplyTo: `${remote.origin}/users/bob/statuses/${n - 1}` } : {}),
        }),
      );
    }
    const reply = note(205, {
      content: '<p>the reply</p>',
      inReplyTo: `${remote.origin}/users/bob/statuses/204`,
    });
    expect(await deliver('/inbox', create(reply))).toBe(202);
    expect(await deliver('/inbox', create(reply))).toBe(202);
    await drained();
    const uri = (n: number) => `${remote.origin}/users/bob/statuses/${n}`;
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
      await api.db.query(`SELECT count(*)::int AS n FROM statuses WHERE uri = $1`, [uri(205)]),
    ).toEqual([{ n: 1 }]);
  });

  it('a reply to an unreachable post is stored unthreaded, then threaded when the post arrives', async () => {
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

  it('Announce of an unknown post fetches it from its origin, then records the boost', async () => {
    await followBob();
    const boosted = note(220, { content: '<p>worth a boost</p>' });
    serve(boosted);
    const announce = {
      id: `${remote.origin}/users/bob/statuses/221/activity`,
      type: 'Announce',
      actor: remote.actorId.href,
      to: [PUBLIC],
      object: boosted.id,
    };
    expect(await deliver('/inbox', announce)).toBe(202);
    expect(await deliver('/inbox', announce)).toBe(202);
    await drained();
    expect(await statusRow(boosted.id)).toMatchObject({ reblogs_count: 1 });
    const inHome = await waitFor('the boost in alice’s home', async () =>
      (await home(alice)).find((s) => s.reblog?.uri === boosted.id),
    );
    expect(inHome.reblog).toMatchObject({ content: '<p>worth a boost</p>' });

    // A document whose id is not the URI the Announce named is not taken.
    const liar = note(222, { id: `${remote.origin}/users/bob/statuses/223` });
    remote.documents.set('/users/bob/statuses/222', { '@context': AS, ...liar });
    expect(
      await deliver('/inbox', {
        ...announce,
        id: `${remote.origin}/users/bob/statuses/224/activity`,
        object: `${remote.origin}/users/bob/statuses/222`,
      }),
    ).toBe(202);
    await drained();
    expect(
      await api.db.query(`SELECT uri FROM statuses WHERE uri LIKE $1`, [
        `${remote.origin}/users/bob/statuses/22_`,
      ]),
    ).toEqual([{ uri: boosted.id }]);
  });

  it('drops activities from a blocked domain without touching the database', async () => {
    await followBob();
    const blocked = note(230, { content: '<p>from a blocked server</p>' });
    const before = await api.db.query(
      `SELECT statuses_count, display_name FROM accounts WHERE id = $1`,
      [bobId],
    );
    await worker.domainBlocks.add(new URL(remote.origin).hostname, 'test');
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
      await worker.domainBlocks.remove(new URL(remote.origin).hostname);
    }
    expect(await statusRow(blocked.id)).toBeUndefined();
    expect(
      await api.db.query(`SELECT statuses_count, display_name FROM accounts WHERE id = $1`, [
        bobId,
      ]),
    ).toEqual(before);
  });

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
