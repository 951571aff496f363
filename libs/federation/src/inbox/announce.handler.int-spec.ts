import { waitFor } from '@fediflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AS, PUBLIC, startInboxScene, type InboxScene } from './inbox-scene.testing';

describe('inbound Announce', () => {
  let scene: InboxScene;

  beforeAll(async () => {
    scene = await startInboxScene('inbox-announce');
  });
  afterAll(async () => {
    await scene?.close();
  });

  /** bob's boosts of the status `id` (what alice's home timeline shows, as she follows him). */
  const boostsOf = (id: string) =>
    scene.db.query(
      `SELECT b.account_id::text AS account, o.content
         FROM statuses b JOIN statuses o ON o.id = b.reblog_of_id WHERE b.reblog_of_id = $1`,
      [id],
    ) as Promise<{ account: string; content: string }[]>;

  it('Announce and Undo(Announce): a boost of a local status, counted and notified', async () => {
    const { deliver, drained, remote, alice, bobId, db } = scene;
    const mine = await scene.localStatus(alice, 'boost me');
    const reblogs = async () =>
      (
        (await db.query(`SELECT reblogs_count FROM statuses WHERE id = $1`, [mine.id])) as {
          reblogs_count: number;
        }[]
      )[0]!.reblogs_count;
    const notifications = () =>
      db.query(
        `SELECT type, from_account_id::text AS account, status_id::text AS status
           FROM notifications WHERE account_id = $1 AND type = 'reblog'`,
        [alice.accountId],
      );
    const announce = {
      id: `${remote.origin}/users/bob/statuses/50/activity`,
      type: 'Announce',
      actor: remote.actorId.href,
      to: [PUBLIC],
      cc: [`${remote.origin}/users/bob/followers`],
      object: mine.uri,
    };
    expect(await deliver('/inbox', announce)).toBe(202);
    expect(await deliver('/inbox', announce)).toBe(202);
    await drained();
    expect(await reblogs()).toBe(1);
    expect(await notifications()).toMatchObject([
      { type: 'reblog', account: bobId, status: mine.id },
    ]);
    // alice follows bob: his boost is stored as his reblog of her status, for her home timeline.
    expect(await boostsOf(mine.id)).toMatchObject([{ account: bobId }]);

    expect(
      await deliver('/inbox', {
        id: `${announce.id}#undo`,
        type: 'Undo',
        actor: remote.actorId.href,
        object: announce.id,
      }),
    ).toBe(202);
    await waitFor('the boost to be undone', async () =>
      (await reblogs()) === 0 ? true : undefined,
    );
    expect(await notifications()).toEqual([]);
  });

  it('Announce of an unknown post fetches it from its origin, then records the boost', async () => {
    const { deliver, drained, note, serve, statusRow, remote, db } = scene;
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
    const stored = await statusRow(boosted.id);
    expect(stored).toMatchObject({ reblogs_count: 1 });
    const [boost] = await waitFor('the boost stored', async () => {
      const rows = await boostsOf(stored!.id);
      return rows.length > 0 ? rows : undefined;
    });
    expect(boost).toMatchObject({ content: '<p>worth a boost</p>' });

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
      await db.query(`SELECT uri FROM statuses WHERE uri LIKE $1`, [
        `${remote.origin}/users/bob/statuses/22_`,
      ]),
    ).toEqual([{ uri: boosted.id }]);
  });
});
