import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Queryable } from '../queryable';
import type { SocialEvents } from '../social-events';
import { deletionAudience, statusAudience } from './stream-audience';
import type { StreamChannels, StreamEvent, StreamMessage } from './stream-channels';

/** `PUBLISH ARGV[1]` to each channel `ARGV[2..]` (no keys: channels are not keys). */
const PUBLISH_TO_ALL = `for i = 2, #ARGV do redis.call('PUBLISH', ARGV[i], ARGV[1]) end`;
const PUBLISH_BATCH = 1_000;

/**
 * Turns the social layer's announcements (made after commit, in the api and in the workers) into
 * messages on the streaming channels of everyone who may see them. Each api pod subscribes to the
 * channels its connections need (apps/api/src/streaming), so any pod can serve any member.
 */
export class StreamPublisher {
  constructor(
    private readonly db: Queryable,
    private readonly redis: Redis,
    private readonly channels: StreamChannels,
  ) {}

  /** Subscribes to `events`; returns the function that detaches it again. */
  attach(events: SocialEvents): () => void {
    const detach = [
      events.subscribe('statusCreated', (e) => this.status('update', e.statusId)),
      events.subscribe('statusUpdated', (e) => this.status('status.update', e.statusId)),
      events.subscribe('statusDeleted', (e) => this.deleted(e.statusId, e.accountId)),
      events.subscribe('notificationCreated', (e) =>
        this.publish(
          [this.channels.user(e.accountId)],
          this.message('notification', e.notificationId),
        ),
      ),
    ];
    return () => detach.forEach((unsubscribe) => unsubscribe());
  }

  async status(event: 'update' | 'status.update', statusId: string): Promise<void> {
    const audience = await statusAudience(this.db, statusId);
    if (!audience) return; // deleted meanwhile
    const channels = audience.home.map((accountId) => this.channels.user(accountId));
    if (audience.public) {
      channels.push(this.channels.public(false));
      for (const tag of audience.tags) channels.push(this.channels.hashtag(tag, false));
      if (audience.local) {
        channels.push(this.channels.public(true));
        for (const tag of audience.tags) channels.push(this.channels.hashtag(tag, true));
      }
    }
    await this.publish(channels, this.message(event, statusId));
  }

  /**
   * Its visibility and tags went with the row, so, as Mastodon does for public timelines, every
   * public stream hears of it (an id alone reveals nothing), and its author's home audience too.
   */
  async deleted(statusId: string, accountId: string): Promise<void> {
    const home = await deletionAudience(this.db, accountId);
    await this.publish(
      [
        ...home.map((id) => this.channels.user(id)),
        this.channels.public(false),
        this.channels.public(true),
      ],
      this.message('delete', statusId),
    );
  }

  private message(event: StreamEvent, id: string): StreamMessage {
    return { event, id, rid: randomUUID() };
  }

  /**
   * One script call per `PUBLISH_BATCH` channels, not one command each: a post reaches every
   * local follower's channel, and ioredis's cost per command (objects, timers, reply parsing)
   * made the publish the largest CPU item of `POST /api/v1/statuses` (13 % of the api's CPU
   * plus the garbage, 700 followers). The batch bounds how long the script holds Redis.
   */
  private async publish(channels: string[], message: StreamMessage): Promise<void> {
    if (channels.length === 0) return;
    const body = JSON.stringify(message);
    const unique = [...new Set(channels)];
    for (let from = 0; from < unique.length; from += PUBLISH_BATCH) {
      await this.redis.eval(PUBLISH_TO_ALL, 0, body, ...unique.slice(from, from + PUBLISH_BATCH));
    }
  }
}
