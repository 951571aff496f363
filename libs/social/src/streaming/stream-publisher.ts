import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Queryable } from '../queryable';
import type { SocialEvents } from '../social-events';
import { deletionAudience, statusAudience } from './stream-audience';
import type { StreamChannels, StreamEvent, StreamMessage } from './stream-channels';

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

  private async publish(channels: string[], message: StreamMessage): Promise<void> {
    if (channels.length === 0) return;
    const body = JSON.stringify(message);
    const pipeline = this.redis.pipeline();
    for (const channel of new Set(channels)) pipeline.publish(channel, body);
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error);
    if (failed) throw failed[0];
  }
}
