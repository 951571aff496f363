import { loadConfig } from '@fediflow/config';
import {
  FederationRuntime,
  listPendingFollowRequests,
  MEDIA_TERMS,
  resendPendingFollows,
} from '@fediflow/federation';
import {
  gotosocialActorProblems,
  gotosocialStatusProblems,
  mastodonActorProblems,
  mastodonCreateProblems,
  mastodonHashtags,
  mentionHrefs,
  misskeyActorProblems,
  misskeyHashtags,
  RemoteServer,
  type Json,
  type ReceivedRequest,
} from '@fediflow/federation/testing';
import { mp4, registerApp, registerMembers, waitFor, type Member } from '@fediflow/testing';
import { verifyJsonLd } from '@fedify/fedify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusJson } from '../statuses/status.view';
import { startApi, TEST_ORIGIN, type ApiHarness } from '../testing/api-harness.testing';
import { startFederatedApi, type FederatedApi } from './federated-api.testing';

const AS_PUBLIC = 'https://www.w3.org/ns/activitystreams#Public';

const samplePng = () =>
  sharp({ create: { width: 64, height: 32, channels: 3, background: '#36c' } })
    .png()
    .toBuffer();

interface Delivered {
  request: ReceivedRequest;
  activity: Record<string, unknown> & { type: string; id: string };
}

/**
 * The API enqueues activities after each member action; a worker-side runtime (same database
 * and Redis prefix) runs the queue and delivers them, signed, to a loopback remote server.
 */
describe('federation outbox (api → queue → remote inbox)', () => {
  let api: ApiHarness;
  let remote: RemoteServer;
  let worker: FederationRuntime;
  let federated: FederatedApi;
  let alice: Member;
  let bobId: string;

  const delivered = (): Delivered[] =>
    remote.received.map((request) => ({
      request,
      activity: JSON.parse(request.body) as Delivered['activity'],
    }));
  const arrival = (what: string, match: (d: Delivered) => boolean) =>
    waitFor(what, async () => delivered().find(match));
  /** Documents (keys) from this instance's federation service, as a receiver would fetch them. */
  const servedByFederation = async (url: string) => {
    const response = await worker.federation.fetch(
      new Request(url.replace(/#.*$/, ''), { headers: { accept: 'application/activity+json' } }),
      { contextData: undefined },
    );
    return { contextUrl: null, documentUrl: url, document: await response.json() };
  };

  beforeAll(async () => {
    federated = await startFederatedApi('federation-outbox');
    ({ api, remote, worker, bobId } = federated);
    const app = await registerApp(api.base);
    [alice] = await registerMembers(api.base, app, ['alice']);
  });
  afterAll(async () => {
    await federated?.close();
  });

  it('following a remote account sends a signed Follow with a stable id', async () => {
    const response = await alice.client.post(`/api/v1/accounts/${bobId}/follow`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ following: false, requested: true });
    const follow = await arrival('the Follow', (d) => d.activity.type === 'Follow');
    expect(follow.request.url).toBe('/users/bob/inbox');
    expect(follow.activity).toMatchObject({
      actor: `${TEST_ORIGIN}/users/alice`,
      object: remote.actorId.href,
    });
    expect(follow.activity.id).toMatch(/^https:\/\/fediflow\.test\/users\/alice#follows\/\d+$/);
    expect(String(follow.request.headers.signature)).toMatch(
      /keyId="https:\/\/fediflow\.test\/users\/alice#main-key"/,
    );
    expect(await api.db.query(`SELECT uri FROM follow_requests`)).toEqual([
      { uri: follow.activity.id },
    ]);
  });

  it('an Accept of that Follow from the remote actor makes it a follow (+ counters)', async () => {
    const follow = await arrival('the Follow', (d) => d.activity.type === 'Follow');
    const { '@context': _context, ...embedded } = follow.activity;
    // As Mastodon answers: the Follow embedded, to the follower's inbox, signed by bob.
    const accept = {
      '@context': 'https://www.w3.org/ns/activitystreams',
      id: `${remote.origin}/users/bob#accepts/follows/1`,
      type: 'Accept',
      actor: remote.actorId.href,
      object: embedded,
    };
    // A forged Accept (not bob's signature) is refused at the inbox.
    const unsigned = await worker.federation.fetch(
      await remote.post(`${TEST_ORIGIN}/users/alice/inbox`, accept, { sign: false }),
      { contextData: undefined },
    );
    expect(unsigned.status).toBe(401);
    const response = await worker.federation.fetch(
      await remote.post(`${TEST_ORIGIN}/users/alice/inbox`, accept),
      { contextData: undefined },
    );
    expect(response.status).toBe(202);
    await waitFor('the follow to be accepted', async () => {
      const { body } = await alice.client.get<{ following: boolean; requested: boolean }[]>(
        `/api/v1/accounts/relationships?id[]=${bobId}`,
      );
      return body[0]?.following ? body[0] : undefined;
    });
    const { body } = await alice.client.get<{ following: boolean; requested: boolean }[]>(
      `/api/v1/accounts/relationships?id[]=${bobId}`,
    );
    expect(body[0]).toMatchObject({ following: true, requested: false });
    expect(
      await api.db.query(
        `SELECT (SELECT following_count FROM accounts WHERE id = $1) AS following,
                (SELECT followers_count FROM accounts WHERE id = $2) AS followers,
                (SELECT uri FROM follows WHERE account_id = $1) AS uri,
                (SELECT count(*)::int FROM follow_requests) AS requests`,
        [alice.accountId, bobId],
      ),
    ).toEqual([{ following: 1, followers: 1, uri: follow.activity.id, requests: 0 }]);

    // Redelivered, it changes nothing.
    await worker.federation.fetch(await remote.post(`${TEST_ORIGIN}/users/alice/inbox`, accept), {
      contextData: undefined,
    });
    await waitFor('the queue to drain', async () => {
      const stats = await worker.queue.stats();
      return stats.ready + stats.delayed + stats.inFlight === 0 ? stats : undefined;
    });
    expect(
      await api.db.query(`SELECT following_count FROM accounts WHERE id = $1`, [alice.accountId]),
    ).toEqual([{ following_count: 1 }]);
  });

  it('statuses go to remote followers (Create, Update, Delete); direct ones do not', async () => {
    await api.db.query(`INSERT INTO follows (account_id, target_account_id) VALUES ($1, $2)`, [
      bobId,
      alice.accountId,
    ]);
    const posted = await alice.client.post<StatusJson>('/api/v1/statuses', {
      status: 'hello fediverse',
      visibility: 'public',
    });
    expect(posted.status).toBe(200);
    const noteId = `${TEST_ORIGIN}/users/alice/statuses/${posted.body.id}`;
    const create = await arrival(
      'the Create',
      (d) => d.activity.type === 'Create' && d.activity.id === `${noteId}/activity`,
    );
    // The shared inbox is preferred.
    expect(create.request.url).toBe('/inbox');
    expect(create.activity).toMatchObject({
      actor: `${TEST_ORIGIN}/users/alice`,
      to: 'https://www.w3.org/ns/activitystreams#Public',
      cc: `${TEST_ORIGIN}/users/alice/followers`,
      object: { id: noteId, type: 'Note', content: '<p>hello fediverse</p>' },
    });

    const secret = await alice.client.post<StatusJson>('/api/v1/statuses', {
      status: 'followers only',
      visibility: 'private',
    });
    const privateCreate = await arrival(
      'the followers-only Create',
      (d) =>
        d.activity.type === 'Create' &&
        d.activity.id === `${TEST_ORIGIN}/users/alice/statuses/${secret.body.id}/activity`,
    );
    expect(privateCreate.activity).toMatchObject({
      to: `${TEST_ORIGIN}/users/alice/followers`,
    });
    expect(JSON.stringify(privateCreate.activity)).not.toContain('Public');

    const edited = await alice.client.put(`/api/v1/statuses/${posted.body.id}`, {
      status: 'hello fediverse, edited',
    });
    expect(edited.status).toBe(200);
    const update = await arrival('the Update', (d) => d.activity.type === 'Update');
    expect(update.activity).toMatchObject({
      object: { id: noteId, content: '<p>hello fediverse, edited</p>' },
    });

    const deleted = await alice.client.delete(`/api/v1/statuses/${posted.body.id}`);
    expect(deleted.status).toBe(200);
    const deletion = await arrival('the Delete', (d) => d.activity.type === 'Delete');
    expect(deletion.request.url).toBe('/inbox');
    expect(deletion.activity).toMatchObject({
      actor: `${TEST_ORIGIN}/users/alice`,
      object: { type: 'Tombstone', id: noteId },
    });

    const before = remote.received.length;
    await alice.client.post('/api/v1/statuses', { status: 'just me', visibility: 'direct' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(remote.received.slice(before).map((r) => r.body)).toEqual([]);
  });

  it('media go out as Document attachments of the Note, at URLs that serve the file', async () => {
    const file = new FormData();
    file.append('file', new Blob([new Uint8Array(await samplePng())]), 'chart.png');
    file.append('description', 'A bar chart');
    file.append('focus', '0.25,-0.5');
    const media = await alice.client.request<{ id: string }>('POST', '/api/v1/media', {
      multipart: file,
    });
    expect(media.status).toBe(200);
    const posted = await alice.client.post<StatusJson>('/api/v1/statuses', {
      status: 'with a chart',
      media_ids: [media.body.id],
    });
    const noteId = `${TEST_ORIGIN}/users/alice/statuses/${posted.body.id}`;
    const create = await arrival(
      'the Create with media',
      (d) => d.activity.type === 'Create' && d.activity.id === `${noteId}/activity`,
    );
    const attachments = [(create.activity.object as Json).attachment].flat() as Json[];
    expect(attachments).toHaveLength(1);
    const attachment = attachments[0]!;
    expect(attachment).toMatchObject({
      type: 'Document',
      mediaType: 'image/png',
      name: 'A bar chart',
      width: 64,
      height: 32,
      url: expect.stringMatching(/^https:\/\/fediflow\.test\/system\/media_attachments\//),
    });
    const served = await fetch(`${api.base}${new URL(String(attachment.url)).pathname}`);
    expect([served.status, served.headers.get('content-type')]).toEqual([200, 'image/png']);
    // Mastodon's blurhash and focalPoint (toot: terms), by the names Mastodon reads.
    const [uploaded] = (await api.db.query(`SELECT blurhash FROM media_attachments WHERE id = $1`, [
      media.body.id,
    ])) as { blurhash: string }[];
    expect(attachment).toMatchObject({ blurhash: uploaded!.blurhash, focalPoint: [0.25, -0.5] });
    expect(create.activity['@context']).toContainEqual(MEDIA_TERMS);
    // The Linked Data Signature (Mastodon checks it on forwarded activities) covers them.
    const options = { documentLoader: servedByFederation };
    expect(await verifyJsonLd(create.activity, options)).toBe(true);
    const tampered = structuredClone(create.activity);
    ([(tampered.object as Json).attachment].flat()[0] as Json).blurhash =
      'LKO2?U%2Tw=w]~RBVZRi};RPxuwH';
    expect(await verifyJsonLd(tampered, options)).toBe(false);
  });

  it('a video goes out as a Document with its mediaType (as Mastodon sends video)', async () => {
    const clip = mp4(2048);
    const file = new FormData();
    file.append('file', new Blob([new Uint8Array(clip)]), 'clip.mp4');
    const media = await alice.client.request<{ id: string }>('POST', '/api/v1/media', {
      multipart: file,
    });
    expect(media.status).toBe(200);
    const posted = await alice.client.post<StatusJson>('/api/v1/statuses', {
      status: 'a clip',
      media_ids: [media.body.id],
    });
    const noteId = `${TEST_ORIGIN}/users/alice/statuses/${posted.body.id}`;
    const create = await arrival(
      'the Create with the video',
      (d) => d.activity.type === 'Create' && d.activity.id === `${noteId}/activity`,
    );
    const [attachment] = [(create.activity.object as Json).attachment].flat() as Json[];
    expect(attachment).toMatchObject({
      type: 'Document',
      mediaType: 'video/mp4',
      url: expect.stringMatching(/^https:\/\/fediflow\.test\/system\/media_attachments\/.+\.mp4$/),
    });
    const served = await fetch(`${api.base}${new URL(String(attachment!.url)).pathname}`);
    expect(Buffer.from(await served.arrayBuffer()).equals(clip)).toBe(true);
  });

  it('unfollowing sends Undo(Follow) embedding the Follow', async () => {
    expect(
      await api.db.query(`SELECT count(*)::int AS n FROM follows WHERE account_id = $1`, [
        alice.accountId,
      ]),
    ).toEqual([{ n: 1 }]);
    const [request] = (await api.db.query(`SELECT uri FROM follows WHERE account_id = $1`, [
      alice.accountId,
    ])) as { uri: string }[];
    const response = await alice.client.post(`/api/v1/accounts/${bobId}/unfollow`);
    expect(response.status).toBe(200);
    const undo = await arrival('the Undo', (d) => d.activity.type === 'Undo');
    expect(undo.request.url).toBe('/users/bob/inbox');
    expect(undo.activity).toMatchObject({
      actor: `${TEST_ORIGIN}/users/alice`,
      object: { type: 'Follow', id: request!.uri, object: remote.actorId.href },
    });
    // One id scheme: an Undo is the undone activity's id + `/undo`.
    expect(undo.activity.id).toBe(`${request!.uri}/undo`);
    expect(
      await api.db.query(`SELECT following_count FROM accounts WHERE id = $1`, [alice.accountId]),
    ).toEqual([{ following_count: 0 }]);
  });

  it('favourites and reblogs federate: Like, Announce and their Undo', async () => {
    const uri = `${remote.origin}/users/bob/statuses/9`;
    const [row] = (await api.db.query(
      `INSERT INTO statuses (account_id, local, uri, url, content, visibility)
       VALUES ($1, false, $2, $2, '<p>remote</p>', 'public') RETURNING id::text AS id`,
      [bobId, uri],
    )) as { id: string }[];
    const id = row!.id;
    expect((await alice.client.post(`/api/v1/statuses/${id}/favourite`)).status).toBe(200);
    const like = await arrival('the Like', (d) => d.activity.type === 'Like');
    expect(like.activity).toMatchObject({ actor: `${TEST_ORIGIN}/users/alice`, object: uri });
    expect(like.activity.id).toMatch(/^https:\/\/fediflow\.test\/users\/alice#likes\/\d+$/);
    expect((await alice.client.post(`/api/v1/statuses/${id}/unfavourite`)).status).toBe(200);
    const undoLike = await arrival(
      'the Undo(Like)',
      (d) => d.activity.type === 'Undo' && (d.activity.object as { type?: string }).type === 'Like',
    );
    expect(undoLike.activity).toMatchObject({ object: { id: like.activity.id, object: uri } });
    expect(undoLike.activity.id).toBe(`${like.activity.id}/undo`);

    const reblog = await alice.client.post<StatusJson>(`/api/v1/statuses/${id}/reblog`);
    expect(reblog.status).toBe(200);
    const announce = await arrival('the Announce', (d) => d.activity.type === 'Announce');
    expect(announce.activity).toMatchObject({
      id: `${TEST_ORIGIN}/users/alice/statuses/${reblog.body.id}/activity`,
      actor: `${TEST_ORIGIN}/users/alice`,
      object: uri,
      to: 'https://www.w3.org/ns/activitystreams#Public',
    });
    expect((await alice.client.post(`/api/v1/statuses/${id}/unreblog`)).status).toBe(200);
    const undoAnnounce = await arrival(
      'the Undo(Announce)',
      (d) =>
        d.activity.type === 'Undo' && (d.activity.object as { type?: string }).type === 'Announce',
    );
    expect(undoAnnounce.activity).toMatchObject({ object: { id: announce.activity.id } });
    expect(undoAnnounce.activity.id).toBe(`${announce.activity.id}/undo`);
    // bob is both a follower and the author: one delivery to his server's shared inbox.
    expect(delivered().filter((d) => d.activity.type === 'Announce')).toHaveLength(1);
  });

  it('approving or rejecting a remote follow request answers with Accept or Reject', async () => {
    await api.db.query(`DELETE FROM follows WHERE account_id = $1`, [bobId]);
    const request = async (n: number) => {
      const uri = `${remote.origin}/follows/${n}`;
      await api.db.query(
        `INSERT INTO follow_requests (account_id, target_account_id, uri) VALUES ($1, $2, $3)`,
        [bobId, alice.accountId, uri],
      );
      return uri;
    };
    const accepted = await request(7);
    expect((await alice.client.post(`/api/v1/follow_requests/${bobId}/authorize`)).status).toBe(
      200,
    );
    const accept = await arrival('the Accept', (d) => d.activity.type === 'Accept');
    expect(accept.request.url).toBe('/users/bob/inbox');
    expect(accept.activity).toMatchObject({
      actor: `${TEST_ORIGIN}/users/alice`,
      object: {
        type: 'Follow',
        id: accepted,
        actor: remote.actorId.href,
        object: `${TEST_ORIGIN}/users/alice`,
      },
    });
    expect(String(accept.request.headers.signature)).toContain('users/alice#main-key');
    // Keyed by the Follow's id, as the inbox's auto-accept is (activity-ids.ts).
    expect(accept.activity.id).toMatch(
      /^https:\/\/fediflow\.test\/users\/alice#accepts\/follows\/[\w-]{22}$/,
    );

    await api.db.query(`DELETE FROM follows WHERE account_id = $1`, [bobId]);
    const rejected = await request(8);
    expect((await alice.client.post(`/api/v1/follow_requests/${bobId}/reject`)).status).toBe(200);
    const reject = await arrival('the Reject', (d) => d.activity.type === 'Reject');
    expect(reject.activity).toMatchObject({
      actor: `${TEST_ORIGIN}/users/alice`,
      object: { type: 'Follow', id: rejected },
    });
    expect(reject.activity.id).toMatch(/#rejects\/follows\/[\w-]{22}$/);
  });

  it('a reply reaches the remote author of its parent, mentioned or not; a direct one does not', async () => {
    await api.db.query(`DELETE FROM follows WHERE account_id = $1`, [bobId]);
    const [parent] = (await api.db.query(
      `INSERT INTO statuses (account_id, uri, content, visibility, local)
       VALUES ($1, $2, '<p>a question</p>', 'public', false) RETURNING id::text AS id`,
      [bobId, `${remote.origin}/users/bob/statuses/900`],
    )) as { id: string }[];
    const reply = await alice.client.post<StatusJson>('/api/v1/statuses', {
      status: 'an answer without a mention',
      in_reply_to_id: parent!.id,
    });
    expect(reply.status).toBe(200);
    const noteId = `${TEST_ORIGIN}/users/alice/statuses/${reply.body.id}`;
    const create = await arrival('the reply', (d) => d.activity.id === `${noteId}/activity`);
    expect(create.activity).toMatchObject({
      object: { id: noteId, inReplyTo: `${remote.origin}/users/bob/statuses/900` },
    });

    const before = remote.received.length;
    await alice.client.post('/api/v1/statuses', {
      status: 'a private word',
      visibility: 'direct',
      in_reply_to_id: parent!.id,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(remote.received.slice(before).map((r) => r.body)).toEqual([]);
  });

  /** A document as the object dispatcher or outbox collection serves it (no @context). */
  const served = async (url: string): Promise<Json> => {
    const response = await worker.federation.fetch(
      new Request(url, { headers: { accept: 'application/activity+json' } }),
      { contextData: undefined },
    );
    expect(response.status).toBe(200);
    const { '@context': _context, ...body } = (await response.json()) as Json;
    return body;
  };

  it('one Note everywhere: Mention and Hashtag tags and the mentioned in cc, delivered and served', async () => {
    await api.db.query(
      `INSERT INTO follows (account_id, target_account_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [bobId, alice.accountId],
    );
    const host = new URL(remote.origin).host;
    const posted = await alice.client.post<StatusJson>('/api/v1/statuses', {
      status: `hello @bob@${host} #FediFlow #Café`,
      visibility: 'public',
    });
    expect(posted.status).toBe(200);
    const noteId = `${TEST_ORIGIN}/users/alice/statuses/${posted.body.id}`;
    const create = await arrival('the Create', (d) => d.activity.id === `${noteId}/activity`);
    const delivered = create.activity.object as Json;
    const tags = [
      { type: 'Mention', href: remote.actorId.href, name: `@bob@${host}` },
      { type: 'Hashtag', href: `${TEST_ORIGIN}/tags/caf%C3%A9`, name: '#café' },
      { type: 'Hashtag', href: `${TEST_ORIGIN}/tags/fediflow`, name: '#fediflow' },
    ];
    expect(delivered.tag).toEqual(tags);
    expect([delivered.cc].flat()).toContain(remote.actorId.href);
    // As Mastodon's and Misskey's parsers read them.
    expect(mastodonHashtags(delivered)).toEqual(['café', 'fediflow']);
    expect(misskeyHashtags(delivered)).toEqual(['café', 'fediflow']);
    expect(mentionHrefs(delivered)).toEqual([remote.actorId.href]);
    expect(mastodonCreateProblems(create.activity)).toEqual([]);
    expect(gotosocialStatusProblems(delivered)).toEqual([]);

    // The object dispatcher and the outbox collection render the very same Note.
    const note = await served(noteId);
    expect(note.tag).toEqual(tags);
    // Fedify compacts Public to `as:Public` in served documents; every parser here reads both.
    const audience = (value: unknown) =>
      [value].flat().map((uri) => (uri === 'as:Public' ? `${AS_PUBLIC}` : uri));
    expect(audience(note.cc)).toEqual(audience(delivered.cc));
    expect(audience(note.to)).toEqual(audience(delivered.to));
    const outbox = await served(`${TEST_ORIGIN}/users/alice/outbox`);
    const page = await served(String(outbox.first));
    const item = (page.orderedItems as Json[]).find((i) => i.id === `${noteId}/activity`);
    expect((item?.object as Json | undefined)?.tag).toEqual(tags);
    expect(audience((item?.object as Json).cc)).toEqual(audience(delivered.cc));
  });

  it('a profile change sends Update(Person) that Misskey, Mastodon and GoToSocial accept', async () => {
    const changed = await alice.client.patch('/api/v1/accounts/update_credentials', {
      display_name: 'Alice A.',
      note: 'new bio',
      bot: 'true',
    });
    expect(changed.status).toBe(200);
    const update = await arrival(
      'the Update(Person)',
      (d) =>
        d.activity.type === 'Update' &&
        (d.activity.object as Json).id === `${TEST_ORIGIN}/users/alice`,
    );
    expect(update.request.url).toBe('/inbox');
    const actor = update.activity.object as Json;
    expect(actor).toMatchObject({
      type: 'Service',
      name: 'Alice A.',
      summary: '<p>new bio</p>',
      publicKey: { id: `${TEST_ORIGIN}/users/alice#main-key` },
    });
    expect(update.activity.actor).toBe(`${TEST_ORIGIN}/users/alice`);
    expect(misskeyActorProblems(actor, `${TEST_ORIGIN}/users/alice`)).toEqual([]);
    expect(mastodonActorProblems(actor)).toEqual([]);
    expect(gotosocialActorProblems(actor)).toEqual([]);
  });

  it('a new avatar and header go out in Update(Person) as icon and image that load', async () => {
    const images = new FormData();
    images.append('avatar', new Blob([new Uint8Array(await samplePng())]), 'me.png');
    images.append('header', new Blob([new Uint8Array(await samplePng())]), 'banner.png');
    const changed = await alice.client.request<{ avatar: string; header: string }>(
      'PATCH',
      '/api/v1/accounts/update_credentials',
      { multipart: images },
    );
    expect(changed.status).toBe(200);
    const update = await arrival(
      'the Update(Person) with the avatar',
      (d) =>
        d.activity.type === 'Update' &&
        (d.activity.object as Json).icon !== undefined &&
        ((d.activity.object as Json).icon as Json).url === changed.body.avatar,
    );
    const actor = update.activity.object as Json;
    expect(actor.icon).toEqual({ type: 'Image', mediaType: 'image/png', url: changed.body.avatar });
    expect(actor.image).toEqual({
      type: 'Image',
      mediaType: 'image/png',
      url: changed.body.header,
    });
    for (const url of [changed.body.avatar, changed.body.header]) {
      expect((await fetch(`${api.base}${new URL(url).pathname}`)).status).toBe(200);
    }
    expect(misskeyActorProblems(actor, `${TEST_ORIGIN}/users/alice`)).toEqual([]);
    expect(mastodonActorProblems(actor)).toEqual([]);
  });

  it("a remote actor's icon and image are its avatar and header in the API", async () => {
    const { '@context': context, ...person } = (await (await fetch(remote.actorId)).json()) as Json;
    // As Mastodon sends it (url a string), and a header whose url is a Link (also accepted).
    const update = {
      '@context': context,
      id: `${remote.origin}/users/bob#updates/avatar`,
      type: 'Update',
      actor: remote.actorId.href,
      to: ['https://www.w3.org/ns/activitystreams#Public'],
      object: {
        ...person,
        icon: { type: 'Image', mediaType: 'image/png', url: `${remote.origin}/avatars/bob.png` },
        image: { type: 'Image', url: { type: 'Link', href: `${remote.origin}/headers/bob.jpg` } },
      },
    };
    const response = await worker.federation.fetch(
      await remote.post(`${TEST_ORIGIN}/inbox`, update),
      { contextData: undefined },
    );
    expect(response.status).toBe(202);
    const shown = await waitFor('the avatar to show', async () => {
      const { body } = await alice.client.get<{ avatar: string; header: string }>(
        `/api/v1/accounts/${bobId}`,
      );
      return body.avatar.endsWith('/avatars/bob.png') ? body : undefined;
    });
    expect(shown).toMatchObject({
      avatar: `${remote.origin}/avatars/bob.png`,
      avatar_static: `${remote.origin}/avatars/bob.png`,
      header: `${remote.origin}/headers/bob.jpg`,
      header_static: `${remote.origin}/headers/bob.jpg`,
    });
  });

  it('an unanswered Follow shows its age and is re-sent with backoff, then given up', async () => {
    await api.db.query(`DELETE FROM follows WHERE account_id = $1`, [alice.accountId]);
    expect((await alice.client.post(`/api/v1/accounts/${bobId}/follow`)).status).toBe(200);
    const [request] = (await api.db.query(
      `SELECT uri, created_at FROM follow_requests WHERE account_id = $1`,
      [alice.accountId],
    )) as { uri: string; created_at: Date }[];
    const { body } = await alice.client.get<{ requested: boolean; requested_at: string }[]>(
      `/api/v1/accounts/relationships?id[]=${bobId}`,
    );
    expect(body[0]).toMatchObject({
      requested: true,
      requested_at: request!.created_at.toISOString(),
    });
    const sent = () => delivered().filter((d) => d.activity.id === request!.uri);
    await arrival('the Follow', (d) => d.activity.id === request!.uri);

    const ctx = worker.federation.createContext(new URL(worker.origin), undefined);
    const hours = (h: number) => new Date(request!.created_at.getTime() + h * 3_600_000);
    // Quiet for less than an hour: nothing yet. Then 1 h, 6 h, 24 h, 72 h after each send.
    expect(await resendPendingFollows(api.db, ctx, hours(0.9))).toEqual({ resent: 0 });
    let at = 1;
    for (const delay of [0, 6, 24, 72]) {
      at += delay;
      expect(await resendPendingFollows(api.db, ctx, hours(at + 0.01))).toEqual({ resent: 1 });
      // The same moment again (another replica, say): not sent twice.
      expect(await resendPendingFollows(api.db, ctx, hours(at + 0.01))).toEqual({ resent: 0 });
    }
    await waitFor('the re-sent Follows', async () => (sent().length === 5 ? true : undefined));
    expect(sent().map((d) => d.request.url)).toEqual(Array(5).fill('/users/bob/inbox'));
    expect(sent()[4]!.activity).toMatchObject({ type: 'Follow', object: remote.actorId.href });
    // Given up: no more re-sends, still pending, and operators see it so.
    expect(await resendPendingFollows(api.db, ctx, hours(10_000))).toEqual({ resent: 0 });
    expect(await listPendingFollowRequests(api.db, 10)).toMatchObject([
      { follower: 'alice', resends: 4, nextResendAt: null },
    ]);
  });
});

describe('federation outbox with FEDERATION_ENABLED=false', () => {
  let api: ApiHarness;
  let remote: RemoteServer;

  beforeAll(async () => {
    api = await startApi('federation-outbox-off', { FEDERATION_ENABLED: 'false' });
    remote = await RemoteServer.start();
  });
  afterAll(async () => {
    await remote?.close();
    await api?.close();
  });

  it('enqueues nothing: the member actions still work', async () => {
    const [row] = (await api.db.query(
      `INSERT INTO accounts (username, domain, uri, inbox_url) VALUES ('bob', $1, $2, $3)
       RETURNING id::text AS id`,
      [new URL(remote.origin).host, remote.actorId.href, remote.inbox.href],
    )) as { id: string }[];
    const [alice] = await registerMembers(api.base, await registerApp(api.base), ['alice']);
    await api.db.query(`INSERT INTO follows (account_id, target_account_id) VALUES ($1, $2)`, [
      row!.id,
      alice!.accountId,
    ]);
    expect((await alice!.client.post(`/api/v1/accounts/${row!.id}/follow`)).status).toBe(200);
    expect((await alice!.client.post('/api/v1/statuses', { status: 'quiet' })).status).toBe(200);
    expect(await api.db.query(`SELECT uri FROM follow_requests`)).toEqual([{ uri: null }]);
    const config = loadConfig('workers', {
      PUBLIC_ORIGIN: TEST_ORIGIN,
      LOG_LEVEL: 'silent',
      ...api.infra.env,
    });
    const runtime = new FederationRuntime(config, api.db);
    try {
      const stats = await runtime.queue.stats();
      expect(stats.ready + stats.delayed + stats.inFlight).toBe(0);
    } finally {
      await runtime.onApplicationShutdown();
    }
  });
});
