import { createRestAPIClient, createStreamingAPIClient, type mastodon } from 'masto';
import generator, { type Entity } from 'megalodon';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  mp4,
  registerApp,
  registerMembers,
  waitFor,
  type Member,
} from '@fediflow/testing';
import { startMigratedApi, type ApiOnIsolatedInfrastructure } from './built-services';

/**
 * masto.js and megalodon, unmodified, for what a client does after sign-up: upload an image and
 * post with it, edit the profile with an avatar that then loads (masto.js: megalodon sends
 * profile edits as JSON, with no file), and hear a followed account's post arrive over the
 * streaming API's WebSocket (both libraries' streaming clients). The api runs at a loopback
 * origin so that the streaming URL it advertises (which both read from /api/v1/instance) is
 * reachable.
 */
describe('Mastodon client libraries: media and streaming against the built api', () => {
  let server: ApiOnIsolatedInfrastructure;
  let base: string;
  let alice: Member;
  let bob: Member;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = await startMigratedApi('client-libs-live', { PUBLIC_ORIGIN: base }, port);
    const app = await registerApp(base);
    [alice, bob] = await registerMembers(base, app, ['live_alice', 'live_bob']);
    await alice.client.post(`/api/v1/accounts/${bob.accountId}/follow`);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const png = (width: number, height: number) =>
    sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } })
      .png()
      .toBuffer();

  it('masto.js: uploads an image (v2, processed asynchronously), posts with it, reads it back', async () => {
    const masto = createRestAPIClient({ url: base, accessToken: bob.client.token! });
    const uploaded = await masto.v2.media.create({
      file: new Blob([new Uint8Array(await png(800, 600))], { type: 'image/png' }),
      description: 'a red rectangle',
    });
    const ready = await waitFor('the upload processed', async () => {
      const media = await masto.v1.media.$select(uploaded.id).fetch();
      return media.url ? media : undefined;
    });
    expect(ready).toMatchObject({ type: 'image', description: 'a red rectangle' });
    expect(ready.meta?.original).toMatchObject({ width: 800, height: 600 });
    expect(ready.blurhash).toMatch(/^[0-9A-Za-z#$%*+,-.:;=?@[\]^_{|}~]{6,}$/);

    const status = await masto.v1.statuses.create({
      status: 'with a picture',
      mediaIds: [ready.id],
    });
    expect(status.mediaAttachments.map((media) => media.id)).toEqual([ready.id]);
    const image = await fetch(status.mediaAttachments[0]!.url!);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect((await sharp(Buffer.from(await image.arrayBuffer())).metadata()).width).toBe(800);
  });

  it('masto.js: uploads a video (v2), stored unchanged and served as video/mp4', async () => {
    const masto = createRestAPIClient({ url: base, accessToken: bob.client.token! });
    const clip = mp4(4096);
    const uploaded = await masto.v2.media.create({
      file: new Blob([new Uint8Array(clip)], { type: 'video/mp4' }),
      description: 'a clip',
    });
    const ready = await waitFor('the video stored', async () => {
      const media = await masto.v1.media.$select(uploaded.id).fetch();
      return media.url ? media : undefined;
    });
    expect(ready).toMatchObject({ type: 'video', description: 'a clip', previewUrl: null });
    const served = await fetch(ready.url!);
    expect([served.status, served.headers.get('content-type')]).toEqual([200, 'video/mp4']);
    expect(Buffer.from(await served.arrayBuffer()).equals(clip)).toBe(true);
  });

  it('masto.js: edits the profile with an avatar (multipart), which then loads', async () => {
    const masto = createRestAPIClient({ url: base, accessToken: alice.client.token! });
    const updated = await masto.v1.accounts.updateCredentials({
      avatar: new Blob([new Uint8Array(await png(1000, 700))], { type: 'image/png' }),
    });
    const loaded = await fetch(updated.avatar);
    expect(loaded.status).toBe(200);
    // Mastodon crops avatars to a 400 × 400 square.
    const meta = await sharp(Buffer.from(await loaded.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([400, 400]);
  });

  it('advertises a streaming URL a client can reach (ws for an http origin)', async () => {
    const instance = await createRestAPIClient({ url: base }).v2.instance.fetch();
    expect(instance.configuration.urls.streaming).toBe(base.replace(/^http/, 'ws'));
  });

  it('megalodon: the user stream delivers a followed account’s post and its delete', async () => {
    const client = generator('mastodon', base, alice.client.token!);
    const socket = await client.userStreaming();
    const updates: Entity.Status[] = [];
    const deletes: string[] = [];
    socket.on('update', (status: Entity.Status) => updates.push(status));
    socket.on('delete', (id: string) => deletes.push(id));
    await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const posted = await bob.client.post<{ id: string }>('/api/v1/statuses', {
      status: 'live over megalodon',
    });
    await waitFor('the update on the stream', async () =>
      updates.find((status) => status.id === posted.body.id),
    );
    await bob.client.delete(`/api/v1/statuses/${posted.body.id}`);
    await waitFor(
      'the delete on the stream',
      async () => deletes.includes(posted.body.id) || undefined,
    );
    socket.stop();
  });

  it('masto.js: the user and hashtag streams deliver a followed account’s post and its delete', async () => {
    // As a client finds it: the v2 instance's streaming URL.
    const instance = await createRestAPIClient({ url: base }).v2.instance.fetch();
    const streaming = createStreamingAPIClient({
      streamingApiUrl: instance.configuration.urls.streaming,
      accessToken: alice.client.token!,
    });
    const home = heard(streaming.user.subscribe());
    // Subscribed with the `#` and another case: events name the tag as the client sent it.
    const tag = heard(streaming.hashtag.subscribe({ tag: '#MastoLive' }));
    await postUntilHeard(home.events, 'warming up the user stream');
    await postUntilHeard(tag.events, 'warming up #mastolive');

    const posted = await bob.client.post<{ id: string }>('/api/v1/statuses', {
      status: 'live over masto.js #mastolive',
    });
    const update = await waitFor('the update on the user stream', async () =>
      home.events.find((event) => event.event === 'update' && event.payload.id === posted.body.id),
    );
    expect(update).toMatchObject({ stream: ['user'], payload: { account: { id: bob.accountId } } });
    const tagged = await waitFor('the update on the hashtag stream', async () =>
      tag.events.find((event) => event.event === 'update' && event.payload.id === posted.body.id),
    );
    expect(tagged.stream).toEqual(['hashtag', '#MastoLive']);

    await bob.client.delete(`/api/v1/statuses/${posted.body.id}`);
    await waitFor('the delete on the user stream', async () =>
      home.events.find((event) => event.event === 'delete' && event.payload === posted.body.id),
    );
    streaming.close();
    await Promise.all([home.done, tag.done]);
  });

  /** Collects a masto.js subscription's events until the client is closed. */
  function heard(subscription: AsyncIterable<mastodon.streaming.Event>) {
    const events: mastodon.streaming.Event[] = [];
    const done = (async () => {
      for await (const event of subscription) events.push(event);
    })();
    return { events, done };
  }

  /**
   * Mastodon's protocol does not acknowledge a `subscribe` message (masto.js sends it once the
   * socket is open and iteration has begun), so bob posts until one of his posts is heard: the
   * subscription is live from then on.
   */
  async function postUntilHeard(events: mastodon.streaming.Event[], status: string) {
    const ids: string[] = [];
    await waitFor(
      `a post heard on the stream (${status})`,
      async () => {
        const posted = await bob.client.post<{ id: string }>('/api/v1/statuses', { status });
        ids.push(posted.body.id);
        return events.some((event) => event.event === 'update' && ids.includes(event.payload.id))
          ? true
          : undefined;
      },
      { intervalMs: 250 },
    );
  }
});
