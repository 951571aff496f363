import { parseStreamMessage, type StreamMessage } from '@fediflow/social';
import { createRedisConnection } from '@fediflow/redis';
import type { Redis } from 'ioredis';

export type StreamListener = (message: StreamMessage) => void;

/**
 * The pod's one Redis subscriber connection, shared by all its streaming connections: a channel
 * is subscribed while at least one connection listens to it. ioredis re-subscribes after a
 * reconnect; messages published meanwhile are lost (pub/sub keeps nothing), as in Mastodon.
 */
export class StreamHub {
  private readonly listeners = new Map<string, Set<StreamListener>>();
  private readonly subscriber: Redis;

  constructor(redisUrl: string, name: string, anchorChannel: string) {
    // A `queue` connection: subscriptions wait for a reconnect instead of failing at once.
    this.subscriber = createRedisConnection({ url: redisUrl, name, role: 'queue' });
    // Held for good: ioredis loses a SUBSCRIBE sent while the UNSUBSCRIBE of the last channel is
    // still answering (it leaves subscriber mode and drops what follows).
    this.subscriber.subscribe(anchorChannel).catch(() => undefined);
    this.subscriber.on('message', (channel: string, raw: string) => {
      const message = parseStreamMessage(raw);
      if (!message) return;
      for (const listener of [...(this.listeners.get(channel) ?? [])]) listener(message);
    });
  }

  get ready(): boolean {
    return this.subscriber.status === 'ready';
  }

  /** Number of channels subscribed to now. */
  get channelCount(): number {
    return this.listeners.size;
  }

  /** Resolves once Redis confirmed the subscription; returns the function that ends it. */
  async listen(channel: string, listener: StreamListener): Promise<() => void> {
    let listeners = this.listeners.get(channel);
    if (!listeners) {
      this.listeners.set(channel, (listeners = new Set()));
      listeners.add(listener);
      await this.subscriber.subscribe(channel);
    } else {
      listeners.add(listener);
    }
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.listeners.get(channel) === listeners) {
        this.listeners.delete(channel);
        this.subscriber.unsubscribe(channel).catch(() => undefined);
      }
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.subscriber.quit().catch(() => this.subscriber.disconnect());
  }
}
