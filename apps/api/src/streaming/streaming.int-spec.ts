import { StreamChannels } from '@fediflow/social';
import { registerApp, registerMembers, waitFor, type Member } from '@fediflow/testing';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusJson } from '../statuses/status.view';
import { startApi, type ApiHarness } from '../testing/api-harness.testing';
import {
  openEventSource,
  openSocket,
  type Received,
  type SocketClient,
} from './stream-clients.testing';

const MAX_SUBSCRIPTIONS = 3;

const statusText = (frame: Received) =>
  String((frame.payload as StatusJson | undefined)?.content ?? '').replace(/<[^>]+>/g, '');
const isUpdateOf = (text: string) => (frame: Received) =>
  frame.event === 'update' && statusText(frame) === text;

describe('streaming API over real Redis', () => {
  let api: ApiHarness;
  let alice: Member;
  let bob: Member;
  let carol: Member;
  let dave: Member;
  let aliceSocket: SocketClient;

  beforeAll(async () => {
    api = await startApi('streaming', {
      STREAMING_MAX_SUBSCRIPTIONS: String(MAX_SUBSCRIPTIONS),
      STREAMING_MAX_BUFFERED_BYTES: '4096',
    });
    const app = await registerApp(api.base);
    [alice, bob, carol, dave] = await registerMembers(api.base, app, [
      'alice',
      'bob',
      'carol',
      'dave',
    ]);
    await alice.client.post(`/api/v1/accounts/${bob.accountId}/follow`);
    await dave.client.post(`/api/v1/accounts/${bob.accountId}/follow`);
    // Mastodon clients send the token as the WebSocket subprotocol.
    aliceSocket = await openSocket(api.base, '?stream=user', { protocols: [alice.client.token!] });
  });
  afterAll(async () => {
    aliceSocket?.socket.terminate();
    await api?.close();
  });

  const post = async (member: Member, status: string, extra: Record<string, unknown> = {}) => {
    const { body } = await member.client.post<StatusJson>('/api/v1/statuses', {
      status,
      ...extra,
    });
    return body.id;
  };

  it('answers the health check and refuses bad tokens with 401 before any upgrade', async () => {
    const health = await fetch(`${api.base}/api/v1/streaming/health`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('OK');

    await expect(openSocket(api.base, '?stream=user&access_token=not-a-token')).rejects.toThrow(
      'HTTP 401',
    );
    await expect(openSocket(api.base, '?stream=user')).rejects.toThrow('HTTP 401');
    const missing = await fetch(`${api.base}/api/v1/streaming/user`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: 'Missing access token' });
    const bad = await fetch(`${api.base}/api/v1/streaming/public`, {
      headers: { authorization: 'Bearer wrong' },
    });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ error: 'Invalid access token' });
    const noTag = await fetch(`${api.base}/api/v1/streaming/hashtag`);
    expect(noTag.status).toBe(400);
  });

  it('user stream: followed and own posts, edits and deletes arrive; strangers do not', async () => {
    await post(carol, 'carol is not followed by alice');
    const id = await post(bob, 'bob to his followers');
    const update = await aliceSocket.next((frame) => frame.event === 'update');
    expect(update).toMatchObject({
      stream: ['user'],
      payload: { id, account: { username: 'bob' } },
    });
    expect(statusText(update)).toBe('bob to his followers');

    await bob.client.put(`/api/v1/statuses/${id}`, { status: 'bob, edited' });
    const edit = await aliceSocket.next();
    expect(edit).toMatchObject({ stream: ['user'], event: 'status.update', payload: { id } });
    expect(statusText(edit)).toBe('bob, edited');

    await bob.client.delete(`/api/v1/statuses/${id}`);
    expect(await aliceSocket.next()).toMatchObject({
      stream: ['user'],
      event: 'delete',
      payload: id,
    });

    await post(alice, 'alice herself');
    expect(statusText(await aliceSocket.next())).toBe('alice herself');
  });

  it('user stream: a notification arrives for its recipient; user:notification carries only those', async () => {
    const notifications = await openEventSource(
      api.base,
      '/api/v1/streaming/user/notification',
      alice.client.token,
    );
    expect(notifications.status).toBe(200);
    expect(notifications.headers.get('content-type')).toBe('text/event-stream');
    const own = await post(alice, 'alice asks for a favourite');
    await bob.client.post(`/api/v1/statuses/${own}/favourite`);

    const socketFrame = await aliceSocket.next((frame) => frame.event === 'notification');
    expect(socketFrame).toMatchObject({
      stream: ['user'],
      payload: { type: 'favourite', account: { username: 'bob' }, status: { id: own } },
    });
    const sseFrame = await notifications.next();
    // Alice's own post went to her user stream but not to the notification stream.
    expect(sseFrame).toMatchObject({ event: 'notification', payload: { type: 'favourite' } });
    expect(sseFrame.skipped).toEqual([]);
    expect(notifications.comments[0]).toBe(':)');
    notifications.close();
  });

  it('direct statuses reach only the accounts they address', async () => {
    const publicStream = await openEventSource(api.base, '/api/v1/streaming/public');
    const daveSocket = await openSocket(api.base, `?stream=user&access_token=${dave.client.token}`);
    await post(bob, '@alice a secret', { visibility: 'direct' });
    await post(bob, 'bob in public');

    const direct = await aliceSocket.next(isUpdateOf('@alice a secret'));
    expect(direct.payload).toMatchObject({ visibility: 'direct' });
    // Dave follows bob, yet sees only the public post; so does the public stream.
    const daveFirst = await daveSocket.next((frame) => frame.event === 'update');
    expect(statusText(daveFirst)).toBe('bob in public');
    const publicFirst = await publicStream.next();
    expect(statusText(publicFirst)).toBe('bob in public');
    daveSocket.socket.close();
    publicStream.close();
  });

  it('public streams carry public statuses only; public:local its local ones', async () => {
    const all = await openEventSource(api.base, '/api/v1/streaming/public');
    const local = await openEventSource(api.base, '/api/v1/streaming/public/local');
    await post(carol, 'carol unlisted', { visibility: 'unlisted' });
    await post(carol, 'carol followers only', { visibility: 'private' });
    const id = await post(carol, 'carol for everyone');

    for (const stream of [all, local]) {
      const first = await stream.next();
      expect(first).toMatchObject({ event: 'update', payload: { id, visibility: 'public' } });
      // Rendered once for everyone: no viewer's flags.
      expect(first.payload).not.toHaveProperty('favourited');
      stream.close();
    }
  });

  it('subscribes and unsubscribes hashtags over one socket, and caps the subscriptions', async () => {
    const socket = await openSocket(api.base, '');
    // `stream` as an array, as Mastodon's frames name streams (it takes the first element).
    socket.send({ type: 'subscribe', stream: ['hashtag'], tag: '#Cats' });
    socket.send({ type: 'subscribe', stream: 'public' });
    // Redis has confirmed both once a post reaches the second.
    await post(carol, 'warm-up');
    await socket.next(isUpdateOf('warm-up'));

    await post(carol, 'I like #cats');
    const hashtag = await socket.next((frame) => frame.stream?.[0] === 'hashtag');
    // The tag as the client sent it: masto.js matches events by the tag it subscribed with.
    expect(hashtag).toMatchObject({ stream: ['hashtag', '#Cats'], event: 'update' });

    // One subscription per channel, whatever the spelling.
    socket.send({ type: 'unsubscribe', stream: 'hashtag', tag: 'cats' });
    await post(carol, 'still #cats');
    await post(carol, 'marker');
    const marker = await socket.next(isUpdateOf('marker'));
    expect(marker.skipped.map((frame) => frame.stream)).toEqual([['public']]);

    socket.send({ type: 'subscribe', stream: 'user' });
    expect(await socket.next()).toEqual({
      error: 'Missing access token',
      status: 401,
      skipped: [],
    });
    socket.send({ type: 'subscribe', stream: 'list', list: '1' });
    expect(await socket.next()).toMatchObject({ error: 'Unknown stream type', status: 400 });
    // With `public`, two more reach the cap; the one after is refused and the socket stays open.
    for (const tag of ['a', 'b', 'c'])
      socket.send({ type: 'subscribe', stream: 'hashtag:local', tag });
    expect(await socket.next()).toMatchObject({
      error: `At most ${MAX_SUBSCRIPTIONS} streams per connection`,
      status: 429,
    });
    await post(carol, 'after the refusal');
    expect(statusText(await socket.next())).toBe('after the refusal');
    socket.socket.close();
  });

  it('closes a consumer that stopped reading and counts the drop; others keep receiving', async () => {
    const channels = api.service.app.get(StreamChannels);
    const registry = api.service.app.get(Registry);
    // Only the slow client hears the flood (tests and server share one event loop here).
    const slow = await openSocket(api.base, '?stream=hashtag&tag=flood');
    const healthy = await openEventSource(api.base, '/api/v1/streaming/public/local');
    const id = await post(
      carol,
      `#flood ${'repeated until the slow client falls behind '.repeat(9)}`,
    );
    await slow.next();
    await healthy.next();
    // The client's socket stops reading; the kernel's buffers fill, then the server's.
    (slow.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const publisher = new Redis(api.infra.redisUrl);
    try {
      const dropped = async () =>
        (await registry.getSingleMetric('streaming_messages_dropped_total')!.get()).values.find(
          (value) => value.labels.reason === 'slow_consumer',
        )?.value ?? 0;
      const message = JSON.stringify({ event: 'update', id, rid: 'one-render' });
      for (let round = 0; round < 200 && (await dropped()) === 0; round++) {
        const pipeline = publisher.pipeline();
        for (let i = 0; i < 200; i++) pipeline.publish(channels.hashtag('flood', false), message);
        await pipeline.exec();
      }
      expect(await dropped()).toBeGreaterThanOrEqual(1);
    } finally {
      publisher.disconnect();
    }
    (slow.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    expect((await slow.closed).code).toBe(1006);
    await post(carol, 'after the slow one left');
    expect(statusText(await healthy.next(isUpdateOf('after the slow one left')))).toBe(
      'after the slow one left',
    );
    healthy.close();
  });

  it('reports its connections in readiness and metrics', async () => {
    // Only alice's socket is left open once the earlier tests' closes have reached the server.
    const streaming = async () => {
      const ready = await fetch(`${api.base}/ready`);
      const body = (await ready.json()) as { details: Record<string, Record<string, unknown>> };
      return body.details['streaming'];
    };
    await waitFor('one streaming connection', async () =>
      (await streaming())?.['connections'] === 1 ? true : undefined,
    );
    expect(await streaming()).toMatchObject({ status: 'up', connections: 1 });
    const metrics = await api.service.app.get(Registry).metrics();
    expect(metrics).toMatch(/streaming_connections\{[^}]*transport="websocket"[^}]*\} 1/);
    expect(metrics).toMatch(/streaming_connections\{[^}]*transport="sse"[^}]*\} 0/);
  });
});

describe('streaming API at shutdown', () => {
  it('closes WebSockets with 1001 (going away) on SIGTERM', async () => {
    const api = await startApi('streaming-shutdown');
    try {
      const socket = await openSocket(api.base, '?stream=public');
      const closing = api.service.shutdown('SIGTERM');
      expect((await socket.closed).code).toBe(1001);
      await closing;
    } finally {
      await api.close();
    }
  });
});
