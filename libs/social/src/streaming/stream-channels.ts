/**
 * The Redis pub/sub channels of the streaming API, named as Mastodon names them
 * (`timeline:<accountId>`, `timeline:public`, `timeline:hashtag:<tag>`, ...), below the
 * environment's REDIS_KEY_PREFIX: ioredis prefixes keys, not channels, so the prefix is added here.
 */
export class StreamChannels {
  constructor(private readonly prefix: string) {}

  /** A member's home timeline and notifications (the `user` and `user:notification` streams). */
  user(accountId: string): string {
    return this.named(`timeline:${accountId}`);
  }

  public(local: boolean): string {
    return this.named(local ? 'timeline:public:local' : 'timeline:public');
  }

  hashtag(tag: string, local: boolean): string {
    return this.named(`timeline:hashtag:${tag.toLowerCase()}${local ? ':local' : ''}`);
  }

  /** Nothing is published here: a subscriber holds it so it never leaves subscriber mode. */
  anchor(): string {
    return this.named('streaming:anchor');
  }

  private named(channel: string): string {
    return `${this.prefix}:${channel}`;
  }
}

/** What the streaming API sends, by Mastodon's event names. */
export type StreamEvent = 'update' | 'status.update' | 'delete' | 'notification';

/**
 * One message on a channel. It names what happened, not its JSON: the workers (remote posts)
 * cannot render the api's entities, so each api pod renders `id` once per `rid` (the one social
 * event behind every channel's copy) for all its connections.
 */
export interface StreamMessage {
  event: StreamEvent;
  /** The status id (update, status.update, delete) or the notification id. */
  id: string;
  /** Identifies the announcement: the same for each channel it went to. */
  rid: string;
}

export function parseStreamMessage(raw: string): StreamMessage | undefined {
  try {
    const value = JSON.parse(raw) as Partial<StreamMessage>;
    const events: readonly string[] = ['update', 'status.update', 'delete', 'notification'];
    if (
      typeof value.event === 'string' &&
      events.includes(value.event) &&
      typeof value.id === 'string' &&
      typeof value.rid === 'string'
    ) {
      return value as StreamMessage;
    }
  } catch {
    // A foreign or corrupt message is ignored, never fatal.
  }
  return undefined;
}
