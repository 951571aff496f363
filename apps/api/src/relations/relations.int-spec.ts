import { HomeFeedStore } from '@fediflow/home-feeds';
import { Social } from '@fediflow/social';
import { remoteActor } from '@fediflow/testing/fixtures';
import { registerApp, registerMembers, type Member } from '@fediflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelationshipJson } from '../accounts/relationships.view';
import type { StatusJson } from '../statuses/status.view';
import { startApi, type ApiHarness } from '../testing/api-harness.testing';

const text = (statuses: StatusJson[]) =>
  statuses.map((s) => (s.reblog ? `RT ${s.reblog.content}` : s.content).replace(/<[^>]+>/g, ''));

describe('blocks, mutes and domain blocks', () => {
  let api: ApiHarness;
  let alice: Member;
  let bob: Member;
  let carol: Member;
  let dave: Member;

  const post = async (member: Member, status: string, extra: Record<string, unknown> = {}) =>
    (await member.client.post<StatusJson>('/api/v1/statuses', { status, ...extra })).body;
  const timeline = async (member: Member, path: string) =>
    text((await member.client.get<StatusJson[]>(`/api/v1/timelines/${path}`)).body);
  const notifications = async (member: Member) =>
    (
      await member.client.get<{ type: string; account: { username: string } }[]>(
        '/api/v1/notifications',
      )
    ).body.map((n) => `${n.type} ${n.account.username}`);
  const relationship = async (member: Member, of: string) =>
    (await member.client.get<RelationshipJson[]>(`/api/v1/accounts/relationships?id[]=${of}`))
      .body[0]!;

  beforeAll(async () => {
    api = await startApi('relations');
    const app = await registerApp(api.base);
    [alice, bob, carol, dave] = await registerMembers(api.base, app, [
      'alice',
      'bob',
      'carol',
      'dave',
    ]);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('a block ends follows both ways and hides the blocked everywhere the blocker looks', async () => {
    for (const [from, to] of [
      [alice, bob],
      [bob, alice],
      [alice, carol],
    ] as const) {
      await from.client.post(`/api/v1/accounts/${to.accountId}/follow`);
    }
    const own = await post(alice, 'alice asks');
    await post(bob, 'bob says #blocktopic');
    const bobs = await post(bob, 'bob boosted');
    await carol.client.post(`/api/v1/statuses/${bobs.id}/reblog`);
    await post(bob, 'bob replies', { in_reply_to_id: own.id });
    await bob.client.post(`/api/v1/statuses/${own.id}/favourite`);
    expect(await timeline(alice, 'home')).toEqual(
      expect.arrayContaining(['bob says #blocktopic', 'bob boosted', 'bob replies']),
    );
    expect(await notifications(alice)).toContain('favourite bob');
    const before = await alice.client.get<{ descendants: StatusJson[] }>(
      `/api/v1/statuses/${own.id}/context`,
    );
    expect(text(before.body.descendants)).toEqual(['bob replies']);

    const blocked = await alice.client.post<RelationshipJson>(
      `/api/v1/accounts/${bob.accountId}/block`,
    );
    expect(blocked.status).toBe(200);
    expect(blocked.body).toMatchObject({
      blocking: true,
      blocked_by: false,
      following: false,
      followed_by: false,
    });
    expect(await relationship(bob, alice.accountId)).toMatchObject({
      blocked_by: true,
      blocking: false,
      following: false,
    });
    for (const path of ['home', 'public', 'tag/blocktopic']) {
      const seen = await timeline(alice, path);
      expect(
        seen.filter((s) => s.includes('bob')),
        path,
      ).toEqual([]);
    }
    // The blocked does not see the blocker in shared timelines either.
    expect((await timeline(bob, 'public')).filter((s) => s.includes('alice'))).toEqual([]);
    const context = await alice.client.get<{ descendants: StatusJson[] }>(
      `/api/v1/statuses/${own.id}/context`,
    );
    expect(context.body.descendants).toEqual([]);
    expect(await notifications(alice)).not.toContain('favourite bob');
    // Anonymous visitors are not affected by a member's blocks.
    const anonymous = await fetch(`${api.base}/api/v1/timelines/tag/blocktopic`);
    expect(text((await anonymous.json()) as StatusJson[])).toEqual(['bob says #blocktopic']);

    for (const [from, to] of [
      [alice, bob],
      [bob, alice],
    ] as const) {
      const refused = await from.client.post<{ error: string }>(
        `/api/v1/accounts/${to.accountId}/follow`,
      );
      expect([refused.status, refused.body.error]).toEqual([403, 'This action is not allowed']);
    }
    const self = await alice.client.post(`/api/v1/accounts/${alice.accountId}/block`);
    expect(self.status).toBe(422);

    const unblocked = await alice.client.post<RelationshipJson>(
      `/api/v1/accounts/${bob.accountId}/unblock`,
    );
    expect(unblocked.body).toMatchObject({ blocking: false });
    expect(await timeline(alice, 'public')).toContain('bob says #blocktopic');
    // The block cleared what bob had caused (Mastodon's AfterBlockService): it stays gone.
    expect((await notifications(alice)).filter((n) => n.endsWith(' bob'))).toEqual([]);
    // A new favourite, after the block, notifies again.
    await bob.client.post(`/api/v1/statuses/${own.id}/unfavourite`);
    await bob.client.post(`/api/v1/statuses/${own.id}/favourite`);
    expect(await notifications(alice)).toContain('favourite bob');
  });

  it('lists blocks newest first with Link pagination', async () => {
    await alice.client.post(`/api/v1/accounts/${bob.accountId}/block`);
    await alice.client.post(`/api/v1/accounts/${dave.accountId}/block`);
    const first = await alice.client.get<{ username: string }[]>('/api/v1/blocks?limit=1');
    expect(first.body.map((a) => a.username)).toEqual(['dave']);
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')?.[1];
    expect(next).toBeDefined();
    const second = await alice.client.get<{ username: string }[]>(
      new URL(next!).pathname + new URL(next!).search,
    );
    expect(second.body.map((a) => a.username)).toEqual(['bob']);
    expect((await bob.client.get('/api/v1/blocks')).body).toEqual([]);
    expect((await fetch(`${api.base}/api/v1/blocks`)).status).toBe(401);
    for (const member of [bob, dave]) {
      await alice.client.post(`/api/v1/accounts/${member.accountId}/unblock`);
    }
    expect((await alice.client.get('/api/v1/blocks')).body).toEqual([]);
  });

  it('a mute hides statuses everywhere and, when asked, notifications; it honours its expiry', async () => {
    await alice.client.post(`/api/v1/accounts/${dave.accountId}/follow`);
    const own = await post(alice, 'alice again');
    await post(dave, 'dave talks #mutetopic');
    await dave.client.post(`/api/v1/statuses/${own.id}/favourite`);

    const muted = await alice.client.post<RelationshipJson>(
      `/api/v1/accounts/${dave.accountId}/mute`,
      { notifications: false },
    );
    expect(muted.body).toMatchObject({
      muting: true,
      muting_notifications: false,
      following: true,
    });
    for (const path of ['home', 'public', 'tag/mutetopic']) {
      expect(
        (await timeline(alice, path)).filter((s) => s.includes('dave')),
        path,
      ).toEqual([]);
    }
    expect(await notifications(alice)).toContain('favourite dave');

    const withNotifications = await alice.client.request<RelationshipJson>(
      'POST',
      `/api/v1/accounts/${dave.accountId}/mute`,
      { form: { notifications: 'true', duration: '3600' } },
    );
    expect(withNotifications.body).toMatchObject({ muting: true, muting_notifications: true });
    expect(await notifications(alice)).not.toContain('favourite dave');
    const mutes =
      await alice.client.get<{ username: string; mute_expires_at: string | null }[]>(
        '/api/v1/mutes',
      );
    expect(mutes.body.map((a) => a.username)).toEqual(['dave']);
    const expires = Date.parse(mutes.body[0]!.mute_expires_at!);
    expect(expires).toBeGreaterThan(Date.now() + 3000_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 3600_000);

    // A lapsed mute is no mute: dave is back, and gone from the list of mutes.
    await api.db.query(`UPDATE mutes SET expires_at = now() - interval '1 second'`);
    expect(await relationship(alice, dave.accountId)).toMatchObject({
      muting: false,
      muting_notifications: false,
    });
    // The workers' housekeeping removes lapsed mutes and announces their end, which has the
    // muter's home feed rebuilt with what the mute hid.
    const social = api.service.app.get(Social);
    expect(await social.transaction((manager) => social.mutes.expire(manager))).toBe(1);
    expect(await timeline(alice, 'home')).toContain('dave talks #mutetopic');
    expect(await notifications(alice)).toContain('favourite dave');
    expect((await alice.client.get('/api/v1/mutes')).body).toEqual([]);

    await alice.client.post(`/api/v1/accounts/${dave.accountId}/mute`);
    expect((await relationship(alice, dave.accountId)).muting).toBe(true);
    const unmuted = await alice.client.post<RelationshipJson>(
      `/api/v1/accounts/${dave.accountId}/unmute`,
    );
    expect(unmuted.body).toMatchObject({ muting: false });
    expect(await timeline(alice, 'home')).toContain('dave talks #mutetopic');

    const bad = await alice.client.post<{ error: string }>(
      `/api/v1/accounts/${dave.accountId}/mute`,
      { duration: -5 },
    );
    expect([bad.status, bad.body.error]).toEqual([422, expect.stringMatching(/duration/)]);
    expect((await alice.client.post('/api/v1/accounts/999999/mute')).status).toBe(404);
  });

  it('a domain block hides the domain, ends the follows with it, and can be lifted', async () => {
    const remoteId = await remoteActor(api.db, {
      username: 'rem',
      uri: 'https://remote.example/users/rem',
      inbox: 'https://remote.example/users/rem/inbox',
    });
    await api.db.query(
      `INSERT INTO statuses (account_id, local, uri, content, visibility)
       VALUES ($1, false, 'https://remote.example/notes/1', '<p>from remote</p>', 'public')`,
      [remoteId],
    );
    await api.db.query(
      `INSERT INTO follows (account_id, target_account_id) VALUES ($1, $2), ($2, $1)`,
      [alice.accountId, remoteId],
    );
    await api.db.query(
      `INSERT INTO notifications (account_id, from_account_id, type) VALUES ($1, $2, 'follow')`,
      [alice.accountId, remoteId],
    );
    // Rows written behind the social layer's back reach no feed: alice's is dropped and rebuilt.
    await api.service.app.get(HomeFeedStore).drop(alice.accountId);
    expect(await timeline(alice, 'home')).toContain('from remote');
    expect(await notifications(alice)).toContain('follow rem');

    const blocked = await alice.client.request('POST', '/api/v1/domain_blocks', {
      form: { domain: ' Remote.EXAMPLE ' },
    });
    expect([blocked.status, blocked.body]).toEqual([200, {}]);
    expect((await alice.client.get('/api/v1/domain_blocks')).body).toEqual(['remote.example']);
    expect(await relationship(alice, remoteId)).toMatchObject({
      domain_blocking: true,
      following: false,
      followed_by: false,
    });
    for (const path of ['home', 'public']) {
      expect(await timeline(alice, path), path).not.toContain('from remote');
    }
    expect(await timeline(bob, 'public')).toContain('from remote');
    expect(await notifications(alice)).not.toContain('follow rem');

    for (const domain of ['not a domain', 'evil.example/path', 'user@host.example', '']) {
      const refused = await alice.client.post<{ error: string }>('/api/v1/domain_blocks', {
        domain,
      });
      expect([refused.status, refused.body.error], domain).toEqual([
        422,
        expect.stringMatching(/domain/),
      ]);
    }
    const own = await alice.client.post('/api/v1/domain_blocks', { domain: 'fediflow.test' });
    expect(own.status).toBe(422);

    await alice.client.post('/api/v1/domain_blocks', { domain: 'a.example' });
    const page = await alice.client.get<string[]>('/api/v1/domain_blocks?limit=1');
    expect(page.body).toEqual(['a.example']);
    expect(page.headers.get('link')).toMatch(/rel="next"/);

    const lifted = await alice.client.request('DELETE', '/api/v1/domain_blocks', {
      json: { domain: 'remote.example' },
    });
    expect([lifted.status, lifted.body]).toEqual([200, {}]);
    await alice.client.delete('/api/v1/domain_blocks?domain=a.example');
    expect((await alice.client.get('/api/v1/domain_blocks')).body).toEqual([]);
    expect(await timeline(alice, 'public')).toContain('from remote');
    expect((await relationship(alice, remoteId)).domain_blocking).toBe(false);
  });
});
