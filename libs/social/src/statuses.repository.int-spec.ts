import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Social } from './social';
import {
  SocialEvents,
  type NotificationCreated,
  type StatusCreated,
  type StatusDeleted,
  type StatusUpdated,
} from './social-events';
import { socialDatabase, type SocialDatabase } from './social-fixtures.testing';

describe('status counters, favourites, reblogs and notifications against PostgreSQL', () => {
  let data: SocialDatabase;
  let social: Social;
  const created: StatusCreated[] = [];
  const deleted: StatusDeleted[] = [];
  const updated: StatusUpdated[] = [];
  const notified: NotificationCreated[] = [];

  beforeAll(async () => {
    data = await socialDatabase('social-statuses');
    const events = new SocialEvents();
    events.subscribe('statusCreated', (event) => void created.push(event));
    events.subscribe('statusDeleted', (event) => void deleted.push(event));
    events.subscribe('statusUpdated', (event) => void updated.push(event));
    events.subscribe('notificationCreated', (event) => void notified.push(event));
    social = new Social(data.db, events);
  });
  afterAll(async () => {
    await data.close();
  });

  /** A status stored and counted, as the api and the inbox do it. */
  async function post(accountId: string, inReplyToId?: string): Promise<string> {
    const statusId = await data.status(accountId, { inReplyToId });
    await social.transaction((m) =>
      social.statuses.created(m, {
        statusId,
        accountId,
        inReplyToId: inReplyToId ?? null,
        reblogOfId: null,
      }),
    );
    return statusId;
  }

  it('counts a status and its reply, announces both after the commit, uncounts on delete', async () => {
    const alice = await data.account('alice');
    const bob = await data.account('bob');
    const parent = await post(alice);
    const reply = await post(bob, parent);
    expect(await data.counters(alice)).toMatchObject({ statuses: 1 });
    expect(await data.statusCounters(parent)).toMatchObject({ replies: 1 });
    expect(created).toContainEqual({
      statusId: reply,
      accountId: bob,
      inReplyToId: parent,
      reblogOfId: null,
    });

    expect(await social.transaction((m) => social.statuses.delete(m, reply))).toBe(true);
    expect(await social.transaction((m) => social.statuses.delete(m, reply))).toBe(false);
    expect(await data.statusCounters(parent)).toMatchObject({ replies: 0 });
    expect(await data.counters(bob)).toMatchObject({ statuses: 0 });
    expect(deleted.filter((e) => e.statusId === reply)).toEqual([
      { statusId: reply, accountId: bob, reblogOfId: null },
    ]);
  });

  it('announces an edit and a recorded notification after the commit, nothing on rollback', async () => {
    const erin = await data.account('editor');
    const fred = await data.account('fan');
    const status = await post(erin);
    await social.transaction((m) =>
      social.statuses.updated(m, { statusId: status, accountId: erin }),
    );
    expect(updated).toEqual([{ statusId: status, accountId: erin }]);

    const favourite = {
      accountId: erin,
      fromAccountId: fred,
      type: 'favourite' as const,
      statusId: status,
    };
    await expect(
      social.transaction(async (m) => {
        await social.notifications.notify(m, favourite);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(notified.filter((e) => e.accountId === erin)).toEqual([]);

    await social.transaction((m) => social.notifications.notify(m, favourite));
    await social.transaction((m) => social.notifications.notify(m, favourite));
    const [row] = (await data.db.query(
      `SELECT id::text AS id FROM notifications WHERE account_id = $1`,
      [erin],
    )) as { id: string }[];
    expect(notified.filter((e) => e.accountId === erin)).toEqual([
      { notificationId: row!.id, accountId: erin },
    ]);
  });

  it('never takes a counter below zero', async () => {
    const carol = await data.account('carol');
    const dave = await data.account('dave');
    const parent = await post(carol);
    const reply = await post(dave, parent);
    await social.transaction((m) =>
      social.favourites.add(m, dave, { id: parent, accountId: carol }),
    );
    await social.transaction((m) =>
      social.reblogs.add(m, {
        accountId: dave,
        original: { id: parent, accountId: carol },
        local: true,
        visibility: 'public',
      }),
    );
    // Counters that drifted to zero (a repair, an old bug).
    await data.db.query(
      `UPDATE statuses SET replies_count = 0, reblogs_count = 0, favourites_count = 0 WHERE id = $1`,
      [parent],
    );
    await data.db.query(`UPDATE accounts SET statuses_count = 0 WHERE id = $1`, [dave]);
    await social.transaction(async (m) => {
      await social.favourites.remove(m, dave, parent);
      await social.reblogs.removeOf(m, dave, parent);
      await social.statuses.delete(m, reply);
    });
    expect(await data.statusCounters(parent)).toEqual({ replies: 0, reblogs: 0, favourites: 0 });
    expect(await data.counters(dave)).toMatchObject({ statuses: 0 });
  });

  it('records one notification per favourite and takes it back with the favourite', async () => {
    const erin = await data.account('erin');
    const frank = await data.account('frank');
    const status = await post(erin);
    const target = { id: status, accountId: erin };
    const added = await Promise.all(
      [1, 2].map(() => social.transaction((m) => social.favourites.add(m, frank, target))),
    );
    expect(added.sort()).toEqual([false, true]);
    expect(await data.statusCounters(status)).toMatchObject({ favourites: 1 });
    expect(await data.notifications(erin)).toEqual([{ type: 'favourite', from: frank, status }]);
    // A member favouriting their own status is not notified.
    await social.transaction((m) => social.favourites.add(m, erin, target));
    expect(await data.notifications(erin)).toHaveLength(1);

    expect(await social.transaction((m) => social.favourites.remove(m, frank, status))).toBe(true);
    expect(await social.transaction((m) => social.favourites.remove(m, frank, status))).toBe(false);
    expect(await data.statusCounters(status)).toMatchObject({ favourites: 1 });
    expect(await data.notifications(erin)).toEqual([]);
  });

  it('notifies the same event once however often it is told', async () => {
    const grace = await data.account('grace');
    const heidi = await data.account('heidi');
    const status = await post(grace);
    const event = {
      accountId: grace,
      fromAccountId: heidi,
      type: 'mention',
      statusId: status,
    } as const;
    await Promise.all([1, 2, 3].map(() => social.notifications.notify(data.db, event)));
    expect(await data.notifications(grace)).toEqual([{ type: 'mention', from: heidi, status }]);
    // Remote accounts are told by federation, not here.
    const remote = await data.account('remote_reader', { remote: true });
    await social.notifications.notify(data.db, { ...event, accountId: remote });
    expect(await data.notifications(remote)).toEqual([]);
  });

  it('counts a reblog once; deleting the original takes its reblogs and their counts with it', async () => {
    const ivan = await data.account('ivan');
    const judy = await data.account('judy');
    const original = await post(ivan);
    const reblog = () =>
      social.transaction((m) =>
        social.reblogs.add(m, {
          accountId: judy,
          original: { id: original, accountId: ivan },
          local: true,
          visibility: 'public',
        }),
      );
    const reblogId = await reblog();
    expect(reblogId).toBeDefined();
    expect(await reblog()).toBeUndefined();
    expect(await data.statusCounters(original)).toMatchObject({ reblogs: 1 });
    expect(await data.counters(judy)).toMatchObject({ statuses: 1 });
    expect(await data.notifications(ivan)).toEqual([
      { type: 'reblog', from: judy, status: original },
    ]);
    expect(created).toContainEqual({
      statusId: reblogId,
      accountId: judy,
      inReplyToId: null,
      reblogOfId: original,
    });

    await social.transaction((m) => social.statuses.delete(m, original));
    expect(await data.counters(judy)).toMatchObject({ statuses: 0 });
    expect(await data.counters(ivan)).toMatchObject({ statuses: 0 });
    expect(deleted).toEqual(
      expect.arrayContaining([
        { statusId: reblogId, accountId: judy, reblogOfId: original },
        { statusId: original, accountId: ivan, reblogOfId: null },
      ]),
    );
  });

  it('unreblogging withdraws the reblog notification and the counts', async () => {
    const kim = await data.account('kim');
    const lee = await data.account('lee');
    const original = await post(kim);
    const target = { id: original, accountId: kim };
    await social.transaction((m) =>
      social.reblogs.add(m, {
        accountId: lee,
        original: target,
        local: false,
        visibility: 'unlisted',
        uri: 'https://remote.example/announces/1',
      }),
    );
    expect(
      await social.transaction((m) =>
        social.reblogs.removeByUri(m, lee, 'https://remote.example/announces/1'),
      ),
    ).toBe(true);
    expect(await social.transaction((m) => social.reblogs.removeOf(m, lee, original))).toBe(false);
    expect(await data.statusCounters(original)).toMatchObject({ reblogs: 0 });
    expect(await data.counters(lee)).toMatchObject({ statuses: 0 });
    expect(await data.notifications(kim)).toEqual([]);
  });

  it('deletes a remote account and takes back everything it counted elsewhere', async () => {
    const member = await data.account('member');
    const remote = await data.account('leaver', { remote: true });
    const own = await post(member);
    const theirs = await post(remote, own);
    await social.transaction(async (m) => {
      await social.follows.start(m, member, remote);
      await social.follows.start(m, remote, member);
      await social.favourites.add(m, remote, { id: own, accountId: member });
      await social.reblogs.add(m, {
        accountId: remote,
        original: { id: own, accountId: member },
        local: false,
        visibility: 'public',
      });
      await social.reblogs.add(m, {
        accountId: member,
        original: { id: theirs, accountId: remote },
        local: true,
        visibility: 'public',
      });
    });
    expect(await data.counters(member)).toEqual({ followers: 1, following: 1, statuses: 2 });
    expect(await social.transaction((m) => social.accounts.deleteRemote(m, remote))).toBe(true);
    expect(await social.transaction((m) => social.accounts.deleteRemote(m, member))).toBe(false);
    expect(await data.counters(member)).toEqual({ followers: 0, following: 0, statuses: 1 });
    expect(await data.statusCounters(own)).toEqual({ replies: 0, reblogs: 0, favourites: 0 });
    expect(await data.notifications(member)).toEqual([]);
    expect(deleted).toContainEqual({ statusId: theirs, accountId: remote, reblogOfId: null });
  });
});
