import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LISTS, type ListRow } from './lists.repository';
import { Social } from './social';
import { SocialEvents, type SocialEventMap, type SocialEventName } from './social-events';
import { socialDatabase, type SocialDatabase } from './social-fixtures.testing';

type Seen = { name: SocialEventName; event: SocialEventMap[SocialEventName] };

describe('blocks, mutes and domain blocks against PostgreSQL', () => {
  let data: SocialDatabase;
  let social: Social;
  const seen: Seen[] = [];
  const names: SocialEventName[] = [
    'blockStarted',
    'blockEnded',
    'muteStarted',
    'muteEnded',
    'domainBlockStarted',
    'domainBlockEnded',
    'followEnded',
  ];

  beforeAll(async () => {
    data = await socialDatabase('social-relations');
    const events = new SocialEvents();
    for (const name of names) events.subscribe(name, (event) => void seen.push({ name, event }));
    social = new Social(data.db, events);
  });
  afterAll(async () => {
    await data.close();
  });

  const follows = async (a: string, b: string) =>
    (
      (await data.db.query(
        `SELECT 1 FROM follows WHERE account_id = $1 AND target_account_id = $2`,
        [a, b],
      )) as unknown[]
    ).length > 0;
  const since = (mark: number) => seen.slice(mark).map(({ name, event }) => ({ name, ...event }));

  it('a block ends the follows both ways, is announced once after commit, and again when it ends', async () => {
    const alice = await data.account('alice');
    const bob = await data.account('bob');
    await social.transaction(async (m) => {
      await social.follows.start(m, alice, bob);
      await social.follows.start(m, bob, alice);
    });
    const mark = seen.length;
    let inside: number | undefined;
    const first = await social.transaction(async (m) => {
      const row = await social.blocks.start(m, alice, bob);
      inside = seen.length; // nothing is announced before the commit
      return row;
    });
    expect(inside).toBe(mark);
    expect(first?.created).toBe(true);
    expect((await social.transaction((m) => social.blocks.start(m, alice, bob)))?.created).toBe(
      false,
    );
    expect([await follows(alice, bob), await follows(bob, alice)]).toEqual([false, false]);
    expect(await data.counters(alice)).toMatchObject({ followers: 0, following: 0 });
    expect(since(mark)).toEqual([
      { name: 'followEnded', followerId: alice, targetId: bob },
      { name: 'followEnded', followerId: bob, targetId: alice },
      { name: 'blockStarted', viewerId: alice, targetAccountId: bob },
    ]);
    const unblocked = seen.length;
    expect(await social.transaction((m) => social.blocks.end(m, alice, bob))).toBe(true);
    expect(await social.transaction((m) => social.blocks.end(m, alice, bob))).toBe(false);
    expect(since(unblocked)).toEqual([
      { name: 'blockEnded', viewerId: alice, targetAccountId: bob },
    ]);
  });

  it('a block rolled back leaves no block and announces nothing', async () => {
    const carol = await data.account('carol');
    const dave = await data.account('dave');
    const mark = seen.length;
    await expect(
      social.transaction(async (m) => {
        await social.blocks.start(m, carol, dave);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await data.db.query(`SELECT 1 FROM blocks WHERE account_id = $1`, [carol])).toEqual([]);
    expect(since(mark)).toEqual([]);
  });

  it('a mute is announced when it starts to be in force, not when its options change', async () => {
    const erin = await data.account('erin');
    const frank = await data.account('frank');
    const mark = seen.length;
    const mute = (notifications: boolean, expiresAt: Date | null = null) =>
      social.transaction((m) => social.mutes.start(m, erin, frank, { notifications, expiresAt }));
    await mute(true);
    await mute(false);
    expect(await data.db.query(`SELECT hide_notifications FROM mutes`)).toEqual([
      { hide_notifications: false },
    ]);
    // A lapsed mute muted again is in force again: announced again.
    await data.db.query(`UPDATE mutes SET expires_at = now() - interval '1 minute'`);
    await mute(true);
    expect(await social.transaction((m) => social.mutes.end(m, erin, frank))).toBe(true);
    // Lapsed mutes are swept (the workers' housekeeping) and announced as ended; others stay.
    const gus = await data.account('gus');
    await mute(true, new Date(Date.now() + 60_000));
    await data.db.query(
      `UPDATE mutes SET expires_at = now() - interval '1 second' WHERE target_account_id = $1`,
      [frank],
    );
    await social.transaction((m) =>
      social.mutes.start(m, erin, gus, { notifications: true, expiresAt: null }),
    );
    expect(await social.transaction((m) => social.mutes.expire(m))).toBe(1);
    expect(await data.db.query(`SELECT target_account_id::text AS id FROM mutes`)).toEqual([
      { id: gus },
    ]);
    await social.transaction((m) => social.mutes.end(m, erin, gus));
    expect(since(mark)).toEqual([
      { name: 'muteStarted', viewerId: erin, targetAccountId: frank },
      { name: 'muteStarted', viewerId: erin, targetAccountId: frank },
      { name: 'muteEnded', viewerId: erin, targetAccountId: frank },
      { name: 'muteStarted', viewerId: erin, targetAccountId: frank },
      { name: 'muteStarted', viewerId: erin, targetAccountId: gus },
      { name: 'muteEnded', viewerId: erin, targetAccountId: frank },
      { name: 'muteEnded', viewerId: erin, targetAccountId: gus },
    ]);
  });

  it('a domain block ends the follows with that domain only, both ways', async () => {
    const gina = await data.account('gina');
    const remote = await data.account('remy', { remote: true });
    const fan = await data.account('fan', { remote: true });
    const local = await data.account('lou');
    await social.transaction(async (m) => {
      await social.follows.start(m, gina, remote);
      await social.follows.start(m, fan, gina);
      await social.follows.start(m, gina, local);
      await social.follows.request(m, remote, gina);
    });
    expect((await social.domainBlocks.followsWith(data.db, gina, 'remote.example')).length).toBe(3);
    const mark = seen.length;
    expect(
      await social.transaction((m) => social.domainBlocks.start(m, gina, 'remote.example')),
    ).toBe(true);
    expect(
      await social.transaction((m) => social.domainBlocks.start(m, gina, 'remote.example')),
    ).toBe(false);
    expect([
      await follows(gina, remote),
      await follows(fan, gina),
      await follows(gina, local),
    ]).toEqual([false, false, true]);
    expect(
      await data.db.query(`SELECT 1 FROM follow_requests WHERE target_account_id = $1`, [gina]),
    ).toEqual([]);
    expect(since(mark).filter((e) => e.name !== 'followEnded')).toEqual([
      { name: 'domainBlockStarted', viewerId: gina, domain: 'remote.example' },
    ]);
    expect(since(mark).filter((e) => e.name === 'followEnded')).toHaveLength(2);
    const ended = seen.length;
    expect(
      await social.transaction((m) => social.domainBlocks.end(m, gina, 'remote.example')),
    ).toBe(true);
    expect(since(ended)).toEqual([
      { name: 'domainBlockEnded', viewerId: gina, domain: 'remote.example' },
    ]);
  });

  it('records no notification from an account the recipient has hidden; a block clears those it had', async () => {
    const hana = await data.account('hana');
    const blocked = await data.account('ivan');
    const blocker = await data.account('jude');
    const muted = await data.account('kai');
    const quiet = await data.account('lea'); // muted, but not their notifications
    const remote = await data.account('mo', { remote: true }); // of remote.example
    const stranger = await data.account('ned');
    await social.transaction(async (m) => {
      await social.blocks.start(m, hana, blocked);
      await social.blocks.start(m, blocker, hana);
      await social.mutes.start(m, hana, muted, { notifications: true, expiresAt: null });
      await social.mutes.start(m, hana, quiet, { notifications: false, expiresAt: null });
      await social.domainBlocks.start(m, hana, 'remote.example');
    });
    const notifiedBy = async () =>
      (
        (await data.db.query(
          `SELECT from_account_id::text AS id FROM notifications WHERE account_id = $1 ORDER BY id`,
          [hana],
        )) as { id: string }[]
      ).map((row) => row.id);
    await social.transaction(async (m) => {
      for (const from of [blocked, blocker, muted, quiet, remote, stranger])
        await social.notifications.notify(m, {
          accountId: hana,
          fromAccountId: from,
          type: 'follow',
        });
    });
    expect(await notifiedBy()).toEqual([quiet, stranger]);
    // Blocking someone clears the notifications they caused (Mastodon's AfterBlockService).
    await social.transaction((m) => social.blocks.start(m, hana, stranger));
    expect(await notifiedBy()).toEqual([quiet]);
  });

  it('keeps every revision of an edited status, the original first', async () => {
    const hal = await data.account('hal');
    const status = await data.status(hal);
    const edit = (content: string) =>
      social.transaction((m) =>
        social.statuses.edited(m, status, async () => {
          await m.query(`UPDATE statuses SET content = $2, edited_at = now() WHERE id = $1`, [
            status,
            content,
          ]);
        }),
      );
    await edit('<p>second</p>');
    await edit('<p>third</p>');
    const revisions = (await data.db.query(
      `SELECT content FROM status_edits WHERE status_id = $1 ORDER BY created_at, id`,
      [status],
    )) as { content: string }[];
    expect(revisions.map((r) => r.content)).toEqual(['', '<p>second</p>', '<p>third</p>']);
  });

  it('lists: at most MAX_LISTS, concurrently too; members only while followed', async () => {
    const owner = await data.account('ida');
    const friend = await data.account('jo');
    const stranger = await data.account('kim');
    const draft = { title: 'l', replies_policy: 'list' as const, exclusive: false };
    const created = await Promise.all(
      Array.from({ length: MAX_LISTS + 5 }, () =>
        social.transaction((m) => social.lists.create(m, owner, draft)),
      ),
    );
    expect(created.filter((list) => list === 'limit')).toHaveLength(5);
    const [list] = created.filter((l): l is ListRow => l !== 'limit');
    if (!list) throw new Error('no list was created');
    await social.transaction((m) => social.follows.start(m, owner, friend));
    expect(await social.lists.addAccounts(data.db, list.id, owner, [friend, stranger])).toBe(
      stranger,
    );
    expect(await social.lists.addAccounts(data.db, list.id, friend, [owner])).toBe(owner);
    expect(await social.lists.addAccounts(data.db, list.id, owner, [friend])).toBeUndefined();
    const members = () =>
      data.db.query(`SELECT account_id::text AS id FROM list_accounts WHERE list_id = $1`, [
        list.id,
      ]);
    expect(await members()).toEqual([{ id: friend }]);
    await social.transaction((m) => social.follows.end(m, owner, friend));
    expect(await members()).toEqual([]);
    // Someone else cannot change or delete the owner's list.
    expect(await social.lists.update(data.db, friend, list.id, { title: 'x' })).toBeUndefined();
    expect(await social.lists.delete(data.db, friend, list.id)).toBe(false);
    expect(await social.lists.delete(data.db, owner, list.id)).toBe(true);
  });
});
