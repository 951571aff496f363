import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Social } from './social';
import { SocialEvents, type FollowChanged } from './social-events';
import { socialDatabase, type SocialDatabase } from './social-fixtures.testing';

describe('FollowsRepository against PostgreSQL', () => {
  let data: SocialDatabase;
  let social: Social;
  const started: FollowChanged[] = [];
  const ended: FollowChanged[] = [];

  beforeAll(async () => {
    data = await socialDatabase('social-follows');
    const events = new SocialEvents();
    events.subscribe('followStarted', (event) => void started.push(event));
    events.subscribe('followEnded', (event) => void ended.push(event));
    social = new Social(data.db, events);
  });
  afterAll(async () => {
    await data.close();
  });

  it('counts and notifies a follow once, however often (and concurrently) it is started', async () => {
    const alice = await data.account('alice');
    const bob = await data.account('bob');
    const attempts = await Promise.all(
      [1, 2, 3].map(() => social.transaction((m) => social.follows.start(m, alice, bob))),
    );
    expect(attempts.filter((row) => row?.created)).toHaveLength(1);
    expect(new Set(attempts.map((row) => row?.id)).size).toBe(1);
    expect(await data.counters(alice)).toMatchObject({ following: 1, followers: 0 });
    expect(await data.counters(bob)).toMatchObject({ following: 0, followers: 1 });
    expect(await data.notifications(bob)).toEqual([{ type: 'follow', from: alice, status: null }]);
    expect(started).toContainEqual({ followerId: alice, targetId: bob });
    expect(started.filter((e) => e.followerId === alice)).toHaveLength(1);
  });

  it('ends a follow once: counters back, notification withdrawn, never below zero', async () => {
    const carol = await data.account('carol');
    const dave = await data.account('dave');
    await social.transaction((m) => social.follows.start(m, carol, dave));
    // Counters that drifted to zero (a repair, an old bug) must not go negative.
    await data.db.query(`UPDATE accounts SET followers_count = 0 WHERE id = $1`, [dave]);
    expect(await social.transaction((m) => social.follows.end(m, carol, dave))).toBe(true);
    expect(await social.transaction((m) => social.follows.end(m, carol, dave))).toBe(false);
    expect(await data.counters(carol)).toMatchObject({ following: 0 });
    expect(await data.counters(dave)).toMatchObject({ followers: 0 });
    expect(await data.notifications(dave)).toEqual([]);
    expect(ended.filter((e) => e.followerId === carol)).toEqual([
      { followerId: carol, targetId: dave },
    ]);
  });

  it('turns a request into a follow on accept, once; a rejected request leaves no trace', async () => {
    const erin = await data.account('erin');
    const frank = await data.account('frank');
    const request = await social.transaction((m) =>
      social.follows.request(m, erin, frank, 'https://here.example/follows/1'),
    );
    expect(request?.created).toBe(true);
    expect(await data.notifications(frank)).toEqual([
      { type: 'follow_request', from: erin, status: null },
    ]);
    expect(await data.counters(frank)).toMatchObject({ followers: 0 });

    expect(await social.transaction((m) => social.follows.accept(m, erin, frank))).toBe('followed');
    expect(await social.transaction((m) => social.follows.accept(m, erin, frank))).toBe('none');
    const [follow] = (await data.db.query(
      `SELECT uri FROM follows WHERE account_id = $1 AND target_account_id = $2`,
      [erin, frank],
    )) as { uri: string }[];
    expect(follow?.uri).toBe('https://here.example/follows/1');
    expect(await data.counters(frank)).toMatchObject({ followers: 1 });
    expect(await data.notifications(frank)).toEqual([{ type: 'follow', from: erin, status: null }]);

    const grace = await data.account('grace');
    await social.transaction((m) => social.follows.request(m, grace, frank));
    expect(await social.transaction((m) => social.follows.reject(m, grace, frank))).toBe(true);
    expect(await social.transaction((m) => social.follows.reject(m, grace, frank))).toBe(false);
    expect((await data.notifications(frank)).map((n) => n.type)).toEqual(['follow']);
  });

  it('moves followers from an old account to a request for the new one (Move)', async () => {
    const member = await data.account('mover_fan');
    const oldAccount = await data.account('old', { remote: true });
    const newAccount = await data.account('new', { remote: true });
    await social.transaction((m) => social.follows.start(m, member, oldAccount));
    const moved = await social.transaction(async (m) => {
      await social.follows.end(m, member, oldAccount);
      return social.follows.request(m, member, newAccount);
    });
    expect(moved?.created).toBe(true);
    expect(await data.counters(member)).toMatchObject({ following: 0 });
    expect(await data.counters(oldAccount)).toMatchObject({ followers: 0 });
    // A retried Move finds the request already there.
    const again = await social.transaction((m) => social.follows.request(m, member, newAccount));
    expect(again).toEqual({ id: moved?.id, created: false });
    expect(await social.transaction((m) => social.follows.accept(m, member, newAccount))).toBe(
      'followed',
    );
    expect(await data.counters(member)).toMatchObject({ following: 1 });
    expect(await data.counters(newAccount)).toMatchObject({ followers: 1 });
  });

  it('moveCounters moves both sides together and stops at zero', async () => {
    const a = await data.account('counter_a');
    const b = await data.account('counter_b');
    await social.follows.moveCounters(data.db, a, b, 1);
    expect(await data.counters(a)).toMatchObject({ following: 1, followers: 0 });
    expect(await data.counters(b)).toMatchObject({ following: 0, followers: 1 });
    await social.follows.moveCounters(data.db, a, b, -1);
    await social.follows.moveCounters(data.db, a, b, -1);
    expect(await data.counters(a)).toMatchObject({ following: 0 });
    expect(await data.counters(b)).toMatchObject({ followers: 0 });
  });

  it('announces nothing when the transaction rolls back', async () => {
    const a = await data.account('rollback_a');
    const b = await data.account('rollback_b');
    await expect(
      social.transaction(async (m) => {
        await social.follows.start(m, a, b);
        throw new Error('a later step failed');
      }),
    ).rejects.toThrow('a later step failed');
    expect(started.filter((e) => e.followerId === a)).toEqual([]);
    expect(await data.counters(b)).toMatchObject({ followers: 0 });
  });

  it('refuses to write in a transaction it cannot announce after', async () => {
    const a = await data.account('unscoped_a');
    const b = await data.account('unscoped_b');
    await expect(data.db.transaction((m) => social.follows.start(m, a, b))).rejects.toMatchObject({
      name: 'UnscopedSocialWriteError',
    });
    expect(await social.follows.isFollowing(data.db, a, b)).toBe(false);
  });
});
