import { Counter, Gauge, type Registry } from 'prom-client';

export type StreamTransport = 'websocket' | 'sse';

/** Connection counts and delivery outcomes of the streaming API, on the service's registry. */
export class StreamingMetrics {
  private readonly connections: Gauge<'transport'>;
  private readonly subscriptions: Gauge;
  private readonly sent: Counter<'event'>;
  private readonly dropped: Counter<'reason'>;

  constructor(registry: Registry) {
    this.connections = new Gauge({
      name: 'streaming_connections',
      help: 'Open streaming API connections, by transport.',
      labelNames: ['transport'],
      registers: [registry],
    });
    this.subscriptions = new Gauge({
      name: 'streaming_subscriptions',
      help: 'Stream subscriptions held by open streaming connections.',
      registers: [registry],
    });
    this.sent = new Counter({
      name: 'streaming_messages_sent_total',
      help: 'Messages written to streaming connections, by event.',
      labelNames: ['event'],
      registers: [registry],
    });
    this.dropped = new Counter({
      name: 'streaming_messages_dropped_total',
      help: 'Messages not delivered: slow_consumer (its send buffer was over the bound; the connection is closed).',
      labelNames: ['reason'],
      registers: [registry],
    });
    for (const transport of ['websocket', 'sse'] as const) this.connections.set({ transport }, 0);
    this.dropped.inc({ reason: 'slow_consumer' }, 0);
  }

  opened(transport: StreamTransport): void {
    this.connections.inc({ transport });
  }
  closed(transport: StreamTransport): void {
    this.connections.dec({ transport });
  }
  subscribed(delta: number): void {
    this.subscriptions.inc(delta);
  }
  delivered(event: string): void {
    this.sent.inc({ event });
  }
  droppedSlowConsumer(): void {
    this.dropped.inc({ reason: 'slow_consumer' });
  }
}
