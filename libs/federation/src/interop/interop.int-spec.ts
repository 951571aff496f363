import { loadConfig } from '@fediflow/config';
import { SocialEvents, type FollowChanged, type StatusCreated } from '@fediflow/social';
import { waitFor, type IsolatedInfrastructure, TEST_ORIGIN } from '@fediflow/testing';
import { migratedDatabase, type MigratedDatabase } from '@fediflow/testing/fixtures';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Group } from '@fedify/fedify/vocab';
import { FederationRuntime } from '../federation-core.module';
import { upsertRemoteActor } from '../inbox/remote-actors';
import { MEDIA_TERMS } from '../outbox';
import { FixtureServer, type PeerFixture } from './fixture-server.testing';
import {
  acceptProblems,
  gotosocialActorProblems,
  gotosocialStatusProblems,
  lemmyActorProblems,
  mastodonActorProblems,
  mastodonCreateProblems,
  mastodonHashtags,
  misskeyActorProblems,
  misskeyHashtags,
  peertubeActorProblems,
  pixelfedActorProblems,
  pleromaActorProblems,
  type Json,
} from './peer-rules.testing';

const ALICE = `${TEST_ORIGIN}/users/alice`;
/** Alice's uploaded avatar and header (media storage keys, as update_credentials stores them). */
const ALICE_AVATAR = 'avatars/1/0123456789abcdef/original.png';
const ALICE_HEADER = 'headers/1/fedcba9876543210/original.webp';
const FIXTURES = join(import.meta.dirname, 'fixtures');
const fixtures = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.json'))
  .map((name) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as PeerFixture);

/** What FediFlow sends, as each peer's rules read it. */
interface Outbound {
  actor: Json;
  note: Json;
  create: Json;
  accept?: Json;
  follow?: Json;
}

const sameTags = (names: string[]) => (names.join() === 'fediflow' ? [] : [`tags ${names}`]);
const RULES: Record<string, (out: Outbound) => string[]> = {
  mastodonActor: (out) => mastodonActorProblems(out.actor),
  mastodonCreate: (out) => mastodonCreateProblems(out.create),
  mastodonHashtags: (out) => sameTags(mastodonHashtags(out.note)),
  mastodonAccept: (out) => acceptProblems(out.accept!, out.follow!),
  misskeyActor: (out) => misskeyActorProblems(out.actor, ALICE),
  misskeyHashtags: (out) => sameTags(misskeyHashtags(out.note)),
  misskeyAccept: (out) => acceptProblems(out.accept!, out.follow!),
  gotosocialActor: (out) => gotosocialActorProblems(out.actor),
  gotosocialStatus: (out) => gotosocialStatusProblems(out.note),
  pleromaActor: (out) => pleromaActorProblems(out.actor),
  peertubeActor: (out) => peertubeActorProblems(out.actor),
  lemmyActor: (out) => lemmyActorProblems(out.actor),
  pixelfedActor: (out) => pixelfedActorProblems(out.actor),
};

/**
 * Real documents of other implementations (fixtures/*.json, each citing where its shape comes
 * from) delivered signed to FediFlow's inboxes and processed by the queue against PostgreSQL and
 * Redis; and FediFlow's own documents checked against each implementation's parser rules.
 */
describe('interoperability with other fediverse implementations', () => {
  let infra: IsolatedInfrastructure;
  let db: DataSource;
  let database: MigratedDatabase;
  let runtime: FederationRuntime;
  const stop = new AbortController();
  let running: Promise<void>;
  let aliceId: string;
  let statusUri: string;
  const socialEvents = new SocialEvents();
  const followsStarted: FollowChanged[] = [];
  const statusesCreated: StatusCreated[] = [];
  socialEvents.subscribe('followStarted', (event) => void followsStarted.push(event));
  socialEvents.subscribe('statusCreated', (event) => void statusesCreated.push(event));

  const fetchJson = async (url: string): Promise<Json> => {
    const response = await runtime.federation.fetch(
      new Request(url, { headers: { accept: 'application/activity+json' } }),
      { contextData: undefined },
    );
    expect(response.status).toBe(200);
    return (await response.json()) as Json;
  };
  const drained = () =>
    waitFor('the queue to drain', async () => {
      const stats = await runtime.queue.stats();
      return stats.ready + stats.delayed + stats.inFlight === 0 ? stats : undefined;
    });
  const deliver = async (server: FixtureServer, path: string, activity: Json, signer?: Json) => {
    const response = await runtime.federation.fetch(
      await server.signedPost(`${TEST_ORIGIN}${path}`, activity, signer),
      { contextData: undefined },
    );
    expect(response.status).toBe(202);
    await drained();
  };
  const one = async <T>(sql: string, params: unknown[]): Promise<T | undefined> =>
    ((await db.query(sql, params)) as T[])[0];

  beforeAll(async () => {
    database = await migratedDatabase('federation-interop');
    ({ infra, db } = database);
    runtime = new FederationRuntime(
      loadConfig('workers', { ...infra.env, PUBLIC_ORIGIN: TEST_ORIGIN, LOG_LEVEL: 'silent' }),
      db,
      socialEvents,
    );
    running = runtime.federation.startQueue(undefined, { signal: stop.signal });
    const [alice] = (await db.query(
      `INSERT INTO accounts (username, display_name, note, avatar_file_key, header_file_key)
       VALUES ('alice', 'Alice', 'hi', $1, $2) RETURNING id::text AS id`,
      [ALICE_AVATAR, ALICE_HEADER],
    )) as { id: string }[];
    aliceId = alice!.id;
    const [status] = (await db.query(
      `INSERT INTO statuses (account_id, local, text, content, visibility)
       VALUES ($1, true, 'hello', '<p>hello</p>', 'public') RETURNING id::text AS id`,
      [aliceId],
    )) as { id: string }[];
    statusUri = `${ALICE}/statuses/${status!.id}`;
  });
  afterAll(async () => {
    stop.abort();
    await running;
    await runtime?.onApplicationShutdown();
    await database?.release();
  });

  it('has fixtures of at least the eight implementations, each citing its sources', () => {
    const names = fixtures.map((f) => f.implementation).join(' | ');
    for (const name of ['Mastodon', 'Misskey', 'Sharkey', 'Firefish', 'GoToSocial', 'Pleroma']) {
      expect(names).toContain(name);
    }
    for (const name of ['Akkoma', 'PeerTube', 'Lemmy', 'Pixelfed', 'Threads']) {
      expect(names).toContain(name);
    }
    for (const fixture of fixtures) {
      expect(Object.keys(fixture.sources).length).toBeGreaterThan(0);
      expect(fixture.outboundRules.every((rule) => rule in RULES)).toBe(true);
    }
  });

  describe.each(fixtures.map((fixture) => [fixture.implementation, fixture] as const))(
    '%s',
    (_name, fixture) => {
      const has = (name: string) => name in fixture.activities;
      let server: FixtureServer;
      const out: Partial<Outbound> = {};
      const account = () =>
        one<{ id: string; display_name: string; inbox_url: string; shared_inbox_url: string }>(
          `SELECT id::text AS id, display_name, inbox_url, shared_inbox_url FROM accounts
            WHERE uri = $1`,
          [server.actorId],
        );

      beforeAll(async () => {
        server = await FixtureServer.start(fixture);
      });
      afterAll(async () => {
        await server?.close();
      });

      // Lemmy users follow communities, not people: its fixture has no Follow.
      if (has('follow'))
        it('Follow: its actor is stored and the follow accepted (Accept sent to its inbox)', async () => {
          const follow = server.activity('follow');
          await deliver(server, '/users/alice/inbox', follow);
          const stored = await account();
          expect(stored?.inbox_url).toBe(server.actor.inbox);
          const sharedInbox =
            (server.actor.endpoints as Json | undefined)?.sharedInbox ?? server.actor.sharedInbox;
          expect(stored?.shared_inbox_url ?? null).toBe(sharedInbox ?? null);
          expect(
            await one(`SELECT uri FROM follows WHERE account_id = $1 AND target_account_id = $2`, [
              stored!.id,
              aliceId,
            ]),
          ).toEqual({ uri: follow.id });
          expect(followsStarted).toContainEqual({ followerId: stored!.id, targetId: aliceId });
          const accept = await waitFor('the Accept', async () =>
            server.received.find((r) => r.body.type === 'Accept'),
          );
          expect(accept.url).toBe(new URL(String(server.actor.inbox)).pathname);
          out.accept = accept.body;
          out.follow = follow;
        });

      it('Create(Note): stored with its mention, hashtags and content warning', async () => {
        const create = server.activity('note');
        const note = create.object as Json;
        await deliver(server, '/inbox', create);
        const status = await one<{ id: string; spoiler_text: string; content: string }>(
          `SELECT id::text AS id, spoiler_text, content FROM statuses WHERE uri = $1`,
          [note.id],
        );
        expect(status, 'the post is stored').toBeDefined();
        expect(statusesCreated).toContainEqual(expect.objectContaining({ statusId: status!.id }));
        expect(status!.content).not.toContain('<script');
        expect(status!.spoiler_text).toBe(String(note.summary ?? ''));
        expect(
          await one(`SELECT 1 AS n FROM mentions WHERE status_id = $1 AND account_id = $2`, [
            status!.id,
            aliceId,
          ]),
        ).toEqual({ n: 1 });
        expect(
          await one(
            `SELECT 1 AS n FROM notifications WHERE account_id = $1 AND type = 'mention'
                AND status_id = $2`,
            [aliceId, status!.id],
          ),
        ).toEqual({ n: 1 });
        // As Mastodon reads Hashtag tags (name without '#', lower-cased; NFKC here).
        const expected = mastodonHashtags(note).map((n) => n.normalize('NFKC'));
        const tags = (await db.query(
          `SELECT t.name FROM status_tags st JOIN tags t ON t.id = st.tag_id
            WHERE st.status_id = $1 ORDER BY t.name`,
          [status!.id],
        )) as { name: string }[];
        expect(tags.map((t) => t.name)).toEqual([...expected].sort());
        // Attachments (url a string or Links, name as alt text) are kept as remote media.
        const attachments = [note.attachment ?? []].flat() as Json[];
        const media = (await db.query(
          `SELECT type, processing, remote_url, description, width, height, blurhash,
                  focus_x, focus_y
             FROM media_attachments WHERE status_id = $1 ORDER BY position`,
          [status!.id],
        )) as Json[];
        expect(media).toEqual(
          attachments.map((attachment) => {
            const url = [attachment.url].flat()[0] as string | Json;
            return {
              type: String(attachment.mediaType).startsWith('image/') ? 'image' : 'unknown',
              processing: 'remote',
              remote_url: typeof url === 'string' ? url : url.href,
              description: attachment.name ?? '',
              width: attachment.width ?? null,
              height: attachment.height ?? null,
              // Read as Mastodon reads them (MediaAttachmentParser): blurhash, focalPoint.
              blurhash: attachment.blurhash ?? null,
              focus_x: (attachment.focalPoint as number[] | undefined)?.[0] ?? 0,
              focus_y: (attachment.focalPoint as number[] | undefined)?.[1] ?? 0,
            };
          }),
        );
        // Its custom emoji (`Emoji` tags, Mastodon/Misskey form) are kept for its server.
        const emojiTags = ((note.tag ?? []) as Json[]).filter((tag) => tag.type === 'Emoji');
        const host = new URL(String(note.id)).host;
        for (const tag of emojiTags) {
          expect(
            await one(`SELECT url FROM custom_emojis WHERE domain = $1 AND shortcode = $2`, [
              host,
              String(tag.name).replace(/:/g, ''),
            ]),
          ).toEqual({ url: (tag.icon as Json).url });
        }
      });

      const withMedia = ['Mastodon', 'Misskey', 'Pixelfed', 'Pleroma'];
      if (withMedia.some((name) => fixture.implementation.startsWith(name)))
        it('its fixture Note carries media (the attachment check above is not vacuous)', () => {
          const note = server.activity('note').object as Json;
          expect([note.attachment ?? []].flat().length).toBeGreaterThan(0);
        });

      if (has('reaction'))
        it('a like or reaction of a local status becomes a favourite', async () => {
          await deliver(server, '/inbox', server.activity('reaction', statusUri));
          const liker = await account();
          expect(
            await one(`SELECT count(*)::int AS n FROM favourites WHERE account_id = $1`, [
              liker!.id,
            ]),
          ).toEqual({ n: 1 });
          // An emoji reaction keeps its emoji (and a custom one's image) on the favourite.
          const reaction = server.activity('reaction', statusUri);
          const emoji = ((reaction.tag ?? []) as Json[]).find((tag) => tag.type === 'Emoji');
          expect(
            await one(`SELECT reaction, reaction_url FROM favourites WHERE account_id = $1`, [
              liker!.id,
            ]),
          ).toEqual({
            reaction: typeof reaction.content === 'string' ? reaction.content : null,
            reaction_url: emoji ? (emoji.icon as Json).url : null,
          });
        });

      if (has('announce'))
        it('Announce of a local status becomes a reblog', async () => {
          await deliver(server, '/inbox', server.activity('announce', statusUri));
          const booster = await account();
          expect(
            await one(
              `SELECT count(*)::int AS n FROM statuses WHERE account_id = $1 AND reblog_of_id IS NOT NULL`,
              [booster!.id],
            ),
          ).toEqual({ n: 1 });
        });

      /** The `url` of an actor's first `icon`/`image` object, as Mastodon's image_url reads it. */
      const imageUrl = (actor: Json, key: 'icon' | 'image') => {
        const image = [actor[key] ?? []].flat()[0] as Json | undefined;
        return typeof image?.url === 'string' ? image.url : null;
      };
      const images = () =>
        one<{ avatar_remote_url: string | null; header_remote_url: string | null }>(
          `SELECT avatar_remote_url, header_remote_url FROM accounts WHERE uri = $1`,
          [server.actorId],
        );

      it("its actor's icon and image are its avatar and header in the API", async () => {
        // Create(Note) above stored the actor (fetched from the fixture server).
        expect(await images()).toEqual({
          avatar_remote_url: imageUrl(server.actor, 'icon'),
          header_remote_url: imageUrl(server.actor, 'image'),
        });
      });

      if (has('update'))
        it('Update(Person) refreshes the stored profile, avatar and header included', async () => {
          const update = server.activity('update');
          const person = update.object as Json;
          // A new avatar, and the header removed: both follow the actor as it now is.
          person.icon = { type: 'Image', mediaType: 'image/png', url: `${server.origin}/new.png` };
          delete person.image;
          await deliver(server, '/inbox', update);
          expect((await account())?.display_name).toMatch(/\(updated\)$/);
          expect(await images()).toEqual({
            avatar_remote_url: `${server.origin}/new.png`,
            header_remote_url: null,
          });
        });

      if (has('delete'))
        it('Delete of its post removes it', async () => {
          const del = server.activity('delete');
          await deliver(server, '/inbox', del);
          const noteId = typeof del.object === 'string' ? del.object : (del.object as Json).id;
          expect(await one(`SELECT 1 FROM statuses WHERE uri = $1`, [noteId])).toBeUndefined();
        });

      if (has('move'))
        it('Move: members following the old account follow the new one (alsoKnownAs checked)', async () => {
          const old = await account();
          await db.query(
            `INSERT INTO follows (account_id, target_account_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
            [aliceId, old!.id],
          );
          const move = server.activity('move');
          await deliver(server, '/inbox', move);
          expect(
            await one(`SELECT 1 FROM follows WHERE account_id = $1 AND target_account_id = $2`, [
              aliceId,
              old!.id,
            ]),
          ).toBeUndefined();
          const request = await one<{ uri: string }>(
            `SELECT r.uri FROM follow_requests r JOIN accounts a ON a.id = r.target_account_id
              WHERE r.account_id = $1 AND a.uri = $2`,
            [aliceId, move.target],
          );
          expect(request?.uri).toMatch(/^https:\/\/fediflow\.test\/users\/alice#follows\/\d+$/);
          const follow = await waitFor('the Follow of the new account', async () =>
            server.received.find((r) => r.body.type === 'Follow' && r.body.id === request!.uri),
          );
          expect(follow.url).toBe(new URL(String(move.target)).pathname + '/inbox');
          expect(follow.body.object).toBe(move.target);
          // A Move to an account that does not name the old one (gargron3) moves nobody.
          await db.query(`INSERT INTO follows (account_id, target_account_id) VALUES ($1, $2)`, [
            aliceId,
            old!.id,
          ]);
          const impostor = String(move.target).replace('gargron2', 'gargron3');
          await deliver(server, '/inbox', {
            ...move,
            id: `${String(move.id)}-2`,
            target: impostor,
          });
          expect(
            await one(
              `SELECT 1 AS n FROM follows WHERE account_id = $1 AND target_account_id = $2`,
              [aliceId, old!.id],
            ),
          ).toEqual({ n: 1 });
          expect(
            await one(
              `SELECT count(*)::int AS n FROM follow_requests r JOIN accounts a ON a.id = r.target_account_id
                WHERE r.account_id = $1 AND a.uri = $2`,
              [aliceId, impostor],
            ),
          ).toEqual({ n: 0 });
        });

      // PeerTube's videos and Lemmy's posts: a status titled with the name, linking to the url.
      for (const name of ['video', 'page'].filter(has))
        it(`Create(${name === 'video' ? 'Video' : 'Page'}): stored as a status, its name a link to the original`, async () => {
          const create = server.activity(name);
          const object = create.object as Json;
          // A PeerTube video names no one in its tags: it reaches members who follow its author.
          if (name === 'video') {
            const author = await account();
            await db.query(
              `INSERT INTO follows (account_id, target_account_id) VALUES ($1, $2)
               ON CONFLICT DO NOTHING`,
              [aliceId, author!.id],
            );
          }
          await deliver(server, '/inbox', create);
          const status = await one<{ content: string; spoiler_text: string; url: string }>(
            `SELECT content, spoiler_text, url FROM statuses WHERE uri = $1`,
            [object.id],
          );
          expect(status, 'the post is stored').toBeDefined();
          const urls = ([] as unknown[]).concat(object.url ?? object.id);
          const first = urls[0] as string | Json;
          const href = typeof first === 'string' ? first : String(first.href);
          expect(status!.url).toBe(href);
          expect(status!.content).toContain(`<a href="${href}"`);
          expect(status!.content).toContain(String(object.name).replace(/&/g, '&amp;'));
          expect(status!.content).not.toContain('<script');
          expect(status!.spoiler_text).toBe('');
          // The body follows the title: Lemmy's HTML as is, PeerTube's Markdown as text.
          const body = String(object.content).replace(/<[^>]+>/g, '');
          expect(status!.content.replace(/<[^>]+>/g, '')).toContain(body);
        });

      // Lemmy's communities share their posts by announcing the Create: Announce{Create{Page}}.
      if (has('communityAnnounce'))
        it('Announce{Create{Page}} from a community a member follows: the post, boosted by the community', async () => {
          const announce = server.activity('communityAnnounce');
          const page = (announce.object as Json).object as Json;
          const community = server.document(String(announce.actor));
          // The post is fetched from its own origin, never taken from the announcer's copy.
          server.serve({ '@context': announce['@context'], ...page });
          const stored = () =>
            one<{ id: string; n: number }>(
              `SELECT p.id::text AS id,
                      (SELECT count(*)::int FROM statuses b JOIN accounts g ON g.id = b.account_id
                        WHERE b.reblog_of_id = p.id AND g.uri = $2) AS n
                 FROM statuses p WHERE p.uri = $1`,
              [page.id, community.id],
            );
          // Nobody here follows the community yet: nothing is stored (another id: inboxes
          // process an activity id once).
          await deliver(
            server,
            '/inbox',
            { ...announce, id: `${String(announce.id)}-0` },
            community,
          );
          expect(await stored()).toBeUndefined();

          const communityId = await upsertRemoteActor(db, await Group.fromJsonLd(community));
          await db.query(`INSERT INTO follows (account_id, target_account_id) VALUES ($1, $2)`, [
            aliceId,
            communityId,
          ]);
          await deliver(server, '/inbox', announce, community);
          expect(await stored()).toEqual({ id: expect.any(String), n: 1 });
          const post = await one<{ author: string; content: string }>(
            `SELECT a.uri AS author, s.content FROM statuses s JOIN accounts a ON a.id = s.account_id
              WHERE s.uri = $1`,
            [page.id],
          );
          expect(post?.author).toBe(page.attributedTo);
          expect(post?.content).toContain(String(page.name));
        });

      it(`FediFlow's actor, Note, Create and Accept pass ${fixture.implementation}'s rules`, async () => {
        const peer = await account();
        const [status] = (await db.query(
          `INSERT INTO statuses (account_id, local, text, content, visibility)
           VALUES ($1, true, 'hi #FediFlow', '<p>hi #FediFlow</p>', 'public')
           RETURNING id::text AS id`,
          [aliceId],
        )) as { id: string }[];
        await db.query(`INSERT INTO mentions (status_id, account_id) VALUES ($1, $2)`, [
          status!.id,
          peer!.id,
        ]);
        await db.query(`INSERT INTO tags (name) VALUES ('fediflow') ON CONFLICT DO NOTHING`);
        await db.query(
          `INSERT INTO status_tags (status_id, tag_id) SELECT $1, id FROM tags WHERE name = 'fediflow'`,
          [status!.id],
        );
        const key = `media_attachments/${aliceId}/0123456789abcdef/original.png`;
        await db.query(
          `INSERT INTO media_attachments (account_id, status_id, type, processing, file_key,
                                          content_type, description, width, height, blurhash,
                                          focus_x, focus_y)
           VALUES ($1, $2, 'image', 'processed', $3, 'image/png', 'A chart', 640, 480,
                   'LEHV6nWB2yk8pyo0adR*.7kCMdnj', 0.3, -0.5)`,
          [aliceId, status!.id, key],
        );
        const noteUri = `${ALICE}/statuses/${status!.id}`;
        const outbox = await fetchJson(`${ALICE}/outbox`);
        const page = await fetchJson(String(outbox.first));
        const documents: Outbound = {
          ...out,
          actor: await fetchJson(ALICE),
          note: await fetchJson(noteUri),
          create: (page.orderedItems as Json[]).find((item) => item.id === `${noteUri}/activity`)!,
        };
        expect([documents.note.cc].flat()).toContain(server.actorId);
        // Mastodon's ActorSerializer: icon and image, one Image each with an absolute url.
        expect(documents.actor.icon).toEqual({
          type: 'Image',
          mediaType: 'image/png',
          url: `${TEST_ORIGIN}/system/${ALICE_AVATAR}`,
        });
        expect(documents.actor.image).toEqual({
          type: 'Image',
          mediaType: 'image/webp',
          url: `${TEST_ORIGIN}/system/${ALICE_HEADER}`,
        });
        // Mastodon's ActivityPub::Parser::MediaAttachmentParser reads these fields, by these
        // names (it does not expand JSON-LD), the Note's context defining the toot: terms.
        const attachment = {
          type: 'Document',
          mediaType: 'image/png',
          url: `${TEST_ORIGIN}/system/${key}`,
          name: 'A chart',
          width: 640,
          height: 480,
          blurhash: 'LEHV6nWB2yk8pyo0adR*.7kCMdnj',
          focalPoint: [0.3, -0.5],
        };
        expect(documents.note.attachment).toEqual(attachment);
        expect(documents.note['@context']).toContainEqual(MEDIA_TERMS);
        expect((documents.create.object as Json).attachment).toEqual(attachment);
        for (const rule of fixture.outboundRules) {
          if (rule.endsWith('Accept') && !documents.accept) continue;
          expect(RULES[rule]!(documents), rule).toEqual([]);
        }
      });
    },
  );
});
