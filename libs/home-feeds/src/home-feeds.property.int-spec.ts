import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HomePage } from './home-timeline.reader';
import { homeFeedsWorld, type HomeFeedsWorld, type Visibility } from './home-feeds-world.testing';

/** Accounts of one run: indexes 0–3 are local members, 4 is a remote account. */
const ACCOUNTS = 5;
const LOCAL = 4;

type Action =
  | { kind: 'post'; author: number; visibility: Visibility; mention: number | null }
  | { kind: 'reblog'; account: number; target: number }
  | { kind: 'follow' | 'unfollow'; follower: number; target: number }
  | { kind: 'delete'; target: number }
  /** The member's feed is lost (expiry, Redis restart) and rebuilt from PostgreSQL. */
  | { kind: 'rebuild'; member: number };

const account = fc.integer({ min: 0, max: ACCOUNTS - 1 });
const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('post' as const),
      author: account,
      visibility: fc.constantFrom<Visibility>('public', 'unlisted', 'private', 'direct'),
      mention: fc.option(account, { nil: null }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('reblog' as const),
      account,
      target: fc.nat(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constantFrom('follow' as const, 'unfollow' as const),
      follower: account,
      target: account,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), target: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('rebuild' as const),
      member: fc.integer({ min: 0, max: LOCAL - 1 }),
    }),
  },
);

/**
 * The property the feeds exist for: whatever happened, every member's home read through the feed
 * (with its fallbacks) is, page for page, the SQL definition of the home timeline.
 */
describe('home feed = SQL home timeline, page for page (property)', () => {
  let world: HomeFeedsWorld;
  beforeAll(async () => {
    // A small cap, so that trimming and the SQL fallback past the tail are exercised too.
    world = await homeFeedsWorld('home-feeds-property', { maxItems: 6 });
  });
  afterAll(async () => {
    await world.close();
  });

  it('holds for random follow graphs, visibilities, reblogs, unfollows and deletes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(action, { minLength: 5, maxLength: 40 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        async (actions, limit, rebuildAtEnd) => {
          const ids = await accounts();
          const statuses: { id: string; visibility: Visibility; reblog: boolean }[] = [];
          for (const step of actions) await apply(step, ids, statuses);
          for (const member of ids.slice(0, LOCAL)) {
            // Rebuilt feeds are compared as rebuilt, before later writes trim them.
            if (rebuildAtEnd) await world.store.drop(member);
            // A feed emptied by removals is gone; it would be rebuilt in the background on read.
            if ((await world.redis.exists(`home:${member}`)) === 0) {
              await world.reader.rebuild(member);
            }
            await expectSamePages(member, limit);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  async function accounts(): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < ACCOUNTS; i++) {
      ids.push(i < LOCAL ? await world.member(`m${i}`) : await world.remote(`r${i}`));
    }
    for (const member of ids.slice(0, LOCAL)) await world.reader.rebuild(member);
    return ids;
  }

  async function apply(
    step: Action,
    ids: string[],
    statuses: { id: string; visibility: Visibility; reblog: boolean }[],
  ): Promise<void> {
    switch (step.kind) {
      case 'post': {
        const mentions = step.mention === null ? [] : [ids[step.mention]!];
        const id = await world.post(ids[step.author]!, { visibility: step.visibility, mentions });
        statuses.push({ id, visibility: step.visibility, reblog: false });
        return;
      }
      case 'reblog': {
        const rebloggable = statuses.filter(
          (s) => !s.reblog && (s.visibility === 'public' || s.visibility === 'unlisted'),
        );
        const target = rebloggable[step.target % Math.max(rebloggable.length, 1)];
        if (!target) return;
        const reblogger = ids[step.account]!;
        const [exists] = (await world.db.query(
          `SELECT 1 FROM statuses WHERE account_id = $1 AND reblog_of_id = $2`,
          [reblogger, target.id],
        )) as unknown[];
        if (exists) return;
        const id = await world.reblog(reblogger, target.id);
        statuses.push({ id, visibility: 'public', reblog: true });
        return;
      }
      case 'follow':
        if (step.follower !== step.target)
          await world.follow(ids[step.follower]!, ids[step.target]!);
        return;
      case 'unfollow':
        if (step.follower !== step.target) {
          await world.unfollow(ids[step.follower]!, ids[step.target]!);
        }
        return;
      case 'rebuild':
        await world.store.drop(ids[step.member]!);
        expect(await world.reader.rebuild(ids[step.member]!)).toBe(true);
        return;
      case 'delete': {
        const target = statuses[step.target % Math.max(statuses.length, 1)];
        if (!target) return;
        await world.remove(target.id);
        // Deleting an original deletes its reblogs too.
        const alive = new Set(
          (
            (await world.db.query(
              `SELECT id::text AS id FROM statuses WHERE id = ANY($1::bigint[])`,
              [statuses.map((s) => s.id)],
            )) as { id: string }[]
          ).map((row) => row.id),
        );
        statuses.splice(0, statuses.length, ...statuses.filter((s) => alive.has(s.id)));
        return;
      }
    }
  }

  /** Walks the home both ways (max_id backwards, min_id forwards) through the feed and SQL. */
  async function expectSamePages(member: string, limit: number): Promise<void> {
    const walk = async (read: (page: HomePage) => Promise<string[]>, forward: boolean) => {
      const pages: string[][] = [];
      let page: HomePage = forward ? { limit, minId: '0' } : { limit };
      for (let i = 0; i < 100; i++) {
        const ids = await read(page);
        if (ids.length === 0) break;
        pages.push(ids);
        page = forward ? { limit, minId: ids[0] } : { limit, maxId: ids[ids.length - 1] };
      }
      return pages;
    };
    for (const forward of [false, true]) {
      const viaFeed = await walk(
        async (page) => (await world.reader.pageIds(member, page)).ids,
        forward,
      );
      const viaSql = await walk((page) => world.sqlPage(member, page), forward);
      expect(viaFeed).toEqual(viaSql);
    }
    const sinceFirst = await world.sqlPage(member, { limit: 100 });
    const oldest = sinceFirst[sinceFirst.length - 1];
    if (oldest) {
      expect((await world.reader.pageIds(member, { limit, sinceId: oldest })).ids).toEqual(
        await world.sqlPage(member, { limit, sinceId: oldest }),
      );
    }
  }
});
