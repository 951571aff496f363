import { createRestAPIClient, createStreamingAPIClient, type mastodon } from 'masto';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  ManagedProcess,
  registerApp,
  registerMembers,
  waitFor,
  waitForStatus,
  type Member,
} from '@fediflow/testing';
import { startMigratedApi, type ApiOnIsolatedInfrastructure } from './built-services';

const workspaceRoot = join(import.meta.dirname, '../../..');

/**
 * The streaming API through the one-origin gateway (`npm run dev:gateway`, as `npm start` runs
 * it) in front of the built api: the origin the api advertises is the gateway's, so a client
 * reaches the WebSocket and SSE streams only through the gateway's streaming route.
 */
describe('streaming API through the dev gateway', () => {
  let server: ApiOnIsolatedInfrastructure;
  let gateway: ManagedProcess;
  let origin: string;
  let alice: Member;
  let bob: Member;

  beforeAll(async () => {
    const gatewayPort = await freePort();
    origin = `http://127.0.0.1:${gatewayPort}`;
    server = await startMigratedApi('streaming-gateway', { PUBLIC_ORIGIN: origin });
    gateway = new ManagedProcess(
      'gateway',
      join(workspaceRoot, 'node_modules/.bin/tsx'),
      [
        'tools/dev-gateway.ts',
        ...['--port', String(gatewayPort)],
        ...['--api', server.api.base],
        // Nothing here goes to federation.
        ...['--federation', 'http://127.0.0.1:1'],
      ],
      { PATH: process.env['PATH'] },
      workspaceRoot,
    );
    try {
      await waitForStatus(`${origin}/ready`, 200, 30_000);
    } catch (error) {
      throw new Error(`${String(error)}\n${gateway.describe()}`, { cause: error });
    }
    const app = await registerApp(origin);
    [alice, bob] = await registerMembers(origin, app, ['gw_alice', 'gw_bob']);
    await alice.client.post(`/api/v1/accounts/${bob.accountId}/follow`);
  });
  afterAll(async () => {
    await gateway?.stop('SIGTERM');
    await server?.stop();
  });

  it('delivers a followed account’s post over the WebSocket (masto.js) and SSE', async () => {
    const instance = await createRestAPIClient({ url: origin }).v2.instance.fetch();
    expect(instance.configuration.urls.streaming).toBe(origin.replace(/^http/, 'ws'));

    // SSE: subscribed once the response has begun, so it carries every post made after.
    const sse = new AbortController();
    const events = await fetch(`${origin}/api/v1/streaming/user`, {
      headers: { authorization: `Bearer ${alice.client.token!}` },
      signal: sse.signal,
    });
    expect(events.status).toBe(200);
    expect(events.headers.get('x-fediflow-route')).toBe('streaming');
    let sseText = '';
    const readingSse = (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of events.body!) sseText += decoder.decode(chunk as Uint8Array);
    })().catch(() => undefined); // ends with the abort below

    const streaming = createStreamingAPIClient({
      streamingApiUrl: instance.configuration.urls.streaming,
      accessToken: alice.client.token!,
    });
    const heard: mastodon.streaming.Event[] = [];
    const readingSocket = (async () => {
      for await (const event of streaming.user.subscribe()) heard.push(event);
    })();
    // Mastodon does not acknowledge a `subscribe` message: bob posts until the socket hears one.
    const posted: string[] = [];
    const update = await waitFor(
      'a post heard over the WebSocket through the gateway',
      async () => {
        const { body } = await bob.client.post<{ id: string }>('/api/v1/statuses', {
          status: 'through the gateway',
        });
        posted.push(body.id);
        return heard.find((event) => event.event === 'update' && posted.includes(event.payload.id));
      },
      { intervalMs: 250 },
    );
    expect(update).toMatchObject({ stream: ['user'], payload: { account: { id: bob.accountId } } });
    await waitFor('every post on the SSE stream', async () =>
      posted.every((id) => sseText.includes(`"id":"${id}"`)) ? true : undefined,
    );
    expect(sseText).toMatch(/^:\)\n/);
    expect(sseText).toContain('event: update\ndata: {');

    streaming.close();
    sse.abort();
    await Promise.all([readingSocket, readingSse]);
  });

  it('relays the api’s refusal of a bad token on the WebSocket handshake', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(`${origin.replace(/^http/, 'ws')}/api/v1/streaming`, [
        'not-a-token',
      ]);
      socket.once('unexpected-response', (request, response) => {
        resolve(response.statusCode ?? 0);
        request.destroy();
      });
      socket.once('open', () => reject(new Error('the handshake succeeded')));
    });
    expect(status).toBe(401);
  });
});
