import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import {
  FederationRuntime,
  type DeliveryObserver,
  type DeliveryOutcome,
  type InboundOutcome,
} from '@fediflow/federation';
import { Counter, Gauge, Registry } from 'prom-client';

/**
 * Federation metrics of the workers: delivery outcomes and inbound activities as they happen
 * (told by the delivery gate), queue depth, age and open circuits read from Redis at scrape
 * time, so every replica reports the shared figures.
 */
@Injectable()
export class FederationMetrics implements DeliveryObserver, OnModuleInit {
  private readonly deliveries: Counter<'outcome'>;
  private readonly activities: Counter<'type' | 'outcome'>;

  constructor(
    @Inject(Registry) registry: Registry,
    private readonly runtime: FederationRuntime,
  ) {
    this.deliveries = new Counter({
      name: 'fediflow_federation_deliveries_total',
      help: 'Outgoing delivery attempts by outcome: delivered, failed_retry, failed_permanent, blocked (domain block, never sent), deferred_circuit (host circuit open, queued for later).',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.activities = new Counter({
      name: 'fediflow_federation_activities_processed_total',
      help: 'Inbound activities handled on the queue, by activity type and outcome: applied, ignored (nothing to do or a redelivery), blocked (domain block), failed (retried).',
      labelNames: ['type', 'outcome'],
      registers: [registry],
    });
    const queue = runtime.queue;
    new Gauge({
      name: 'fediflow_federation_queue_depth',
      help: 'Messages in the federation queue by state: ready, delayed, in_flight, dead (read from Redis at scrape time).',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        const stats = await queue.stats().catch(() => undefined);
        if (!stats) return;
        this.set({ state: 'ready' }, stats.ready);
        this.set({ state: 'delayed' }, stats.delayed);
        this.set({ state: 'in_flight' }, stats.inFlight);
        this.set({ state: 'dead' }, stats.dead);
      },
    });
    new Gauge({
      name: 'fediflow_federation_queue_oldest_age_seconds',
      help: 'How long the longest-waiting due message of the federation queue has waited; 0 when none.',
      registers: [registry],
      async collect() {
        const stats = await queue.stats().catch(() => undefined);
        if (stats) this.set(stats.oldestAgeSeconds);
      },
    });
    const circuits = runtime.circuits;
    new Gauge({
      name: 'fediflow_federation_open_circuits',
      help: 'Remote hosts whose delivery circuit is open (deliveries to them held back).',
      registers: [registry],
      async collect() {
        const open = await circuits.openCount().catch(() => undefined);
        if (open !== undefined) this.set(open);
      },
    });
  }

  onModuleInit(): void {
    this.runtime.delivery.observe(this);
  }

  delivery(outcome: DeliveryOutcome): void {
    this.deliveries.inc({ outcome });
  }

  inbound(activityType: string, outcome: InboundOutcome): void {
    this.activities.inc({ type: activityType, outcome });
  }
}
