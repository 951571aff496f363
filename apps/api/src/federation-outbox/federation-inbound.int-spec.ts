import type { FederationRuntime, RemoteServer } from '@fediflow/federation';
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

  const deliver = async (path: string, activity: unknown, sign = true) => {
    const response = await worker.federation.fetch(
      await remote.post(
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
    expect(
      await api.db.query(`SELECT statuses_count FROM accounts WHERE id = $1`, [bobId]),
    ).toEqual([{ statuses_count: 2 }]);
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
});
