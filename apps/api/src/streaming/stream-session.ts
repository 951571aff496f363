import type { StreamMessage } from '@fediflow/social';
import type { AccessToken } from '../common/auth/access-token';
import type { StreamHub } from './stream-hub';
import type { StreamRenderer } from './stream-renderer';
import type { StreamingMetrics, StreamTransport } from './streaming-metrics';
import { StreamError, type StreamSpec } from './streams';

/** One event as Mastodon frames it: the WebSocket sends it as JSON, SSE as `event:`/`data:`. */
export interface StreamFrame {
  stream: readonly string[];
  event: string;
  payload: string;
}

/** The transport under a session. */
export interface StreamSink {
  readonly transport: StreamTransport;
  send(frame: StreamFrame): void;
  /** Bytes written but not yet taken by the client (the socket's send buffer). */
  buffered(): number;
  /** Drops the connection at once (a slow consumer would never read a close handshake). */
  terminate(): void;
}

export interface SessionLimits {
  maxSubscriptions: number;
  maxBufferedBytes: number;
}

/**
 * A subscription's identity, as Mastodon keys it: the stream and its Redis channel, so that
 * `#Cats` and `cats` are one subscription (and one unsubscribe ends it) whatever the spelling.
 */
function subscriptionKey(spec: StreamSpec): string {
  return `${spec.name[0]}\n${spec.channel}`;
}

interface Subscription {
  spec: StreamSpec;
  stop: () => void;
}

/**
 * A streaming connection's subscriptions and deliveries. Messages are written in the order they
 * arrived (renders are awaited in turn). When the client does not keep up and the send buffer
 * passes `maxBufferedBytes`, the message is dropped and the connection closed: a client that
 * reconnects re-reads its timeline, whereas silently skipped events would leave it wrong.
 */
export class StreamSession {
  private readonly subscriptions = new Map<string, Subscription>();
  private delivery: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    readonly token: AccessToken | undefined,
    private readonly sink: StreamSink,
    private readonly hub: StreamHub,
    private readonly renderer: StreamRenderer,
    private readonly metrics: StreamingMetrics,
    private readonly limits: SessionLimits,
  ) {
    metrics.opened(sink.transport);
  }

  async subscribe(spec: StreamSpec): Promise<void> {
    const key = subscriptionKey(spec);
    if (this.closed || this.subscriptions.has(key)) return;
    if (this.subscriptions.size >= this.limits.maxSubscriptions) {
      throw new StreamError(429, `At most ${this.limits.maxSubscriptions} streams per connection`);
    }
    const subscription: Subscription = { spec, stop: () => undefined };
    this.subscriptions.set(key, subscription);
    this.metrics.subscribed(1);
    const stop = await this.hub.listen(spec.channel, (message) => this.enqueue(spec, message));
    if (this.subscriptions.get(key) === subscription) subscription.stop = stop;
    else stop(); // unsubscribed or closed while Redis confirmed
  }

  unsubscribe(spec: StreamSpec): void {
    const key = subscriptionKey(spec);
    const subscription = this.subscriptions.get(key);
    if (!subscription) return;
    this.subscriptions.delete(key);
    subscription.stop();
    this.metrics.subscribed(-1);
  }

  /** Ends every subscription; the transport closes itself. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const { spec } of [...this.subscriptions.values()]) this.unsubscribe(spec);
    this.metrics.closed(this.sink.transport);
  }

  private enqueue(spec: StreamSpec, message: StreamMessage): void {
    if (spec.events && !spec.events.has(message.event)) return;
    const payload = this.renderer.payload(message, this.token?.accountId ?? null);
    this.delivery = this.delivery.then(async () => {
      const rendered = await payload;
      if (rendered === undefined || this.closed) return;
      if (this.sink.buffered() > this.limits.maxBufferedBytes) {
        this.metrics.droppedSlowConsumer();
        this.close();
        this.sink.terminate();
        return;
      }
      this.sink.send({ stream: spec.name, event: message.event, payload: rendered });
      this.metrics.delivered(message.event);
    });
  }
}
