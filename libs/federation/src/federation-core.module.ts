import { Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type CommonConfig, type ServiceName } from '@fediflow/config';
import { createRedisConnection } from '@fediflow/redis';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { ActorKeyStore } from './actor-keys';
import { CircuitBreaker, DeliveryFailures, DeliveryGate } from './delivery';
import { DomainBlocks } from './domain-blocks';
import { createFediflowFederation, type FediflowFederation } from './fediflow-federation';
import { federationKeyPrefix } from './federation-keys';
import { installOutboundHttp } from './outbound-http';
import { RedisKvStore } from './redis-kv.store';
import { RedisMessageQueue } from './redis-message.queue';

/** What the federation and workers services both configure. */
export type FederationRuntimeConfig = CommonConfig & {
  readonly service: ServiceName;
  readonly FEDERATION_ALLOW_PRIVATE_ADDRESSES?: boolean;
};

/** The name of Fedify's queue (inbox and outbox) below the federation key prefix. */
export const FEDERATION_QUEUE_NAME = 'federation';

/**
 * The Fedify federation of this process with its Redis connections (no ioredis keyPrefix: the
 * adapters prefix keys themselves) and the actor key store. Web nodes only enqueue; the workers
 * call `federation.startQueue()`.
 */
@Injectable()
export class FederationRuntime implements OnApplicationShutdown {
  readonly federation: FediflowFederation;
  readonly keys: ActorKeyStore;
  /** The admin domain-block list: no inbound from, no delivery to these domains. */
  readonly domainBlocks: DomainBlocks;
  readonly queue: RedisMessageQueue;
  /** Per-host circuits of outgoing deliveries (Redis, shared by every worker). */
  readonly circuits: CircuitBreaker;
  readonly deliveryFailures: DeliveryFailures;
  /** Wraps the queue's deliveries; the workers observe its outcomes for metrics. */
  readonly delivery: DeliveryGate;
  readonly origin: string;
  private readonly kvRedis: Redis;
  private readonly queueRedis: Redis;

  constructor(@Inject(APP_CONFIG) config: FederationRuntimeConfig, db: DataSource) {
    const logger = new Logger('Federation');
    const allowPrivateAddress = config.FEDERATION_ALLOW_PRIVATE_ADDRESSES ?? false;
    // Fedify fetches and delivers with the global fetch: guard it for the whole process.
    installOutboundHttp({ allowPrivateAddress });
    const keyPrefix = federationKeyPrefix(config.REDIS_KEY_PREFIX);
    // Request paths fail fast while Redis is down (`command`); the queue waits it out (`queue`).
    this.kvRedis = createRedisConnection({
      url: config.REDIS_URL,
      name: `${config.service}:fedify-kv`,
      role: 'command',
    });
    this.queueRedis = createRedisConnection({
      url: config.REDIS_URL,
      name: `${config.service}:fedify-queue`,
      role: 'queue',
    });
    this.origin = new URL(config.PUBLIC_ORIGIN).origin;
    this.keys = new ActorKeyStore(db);
    this.domainBlocks = new DomainBlocks(db);
    this.queue = new RedisMessageQueue({
      redis: this.queueRedis,
      keyPrefix,
      name: FEDERATION_QUEUE_NAME,
      logger,
    });
    this.circuits = new CircuitBreaker(this.queueRedis, { keyPrefix });
    this.deliveryFailures = new DeliveryFailures(db);
    this.delivery = new DeliveryGate({
      breaker: this.circuits,
      failures: this.deliveryFailures,
      domainBlocks: this.domainBlocks,
      logger,
    });
    this.federation = createFediflowFederation({
      origin: this.origin,
      db,
      keys: this.keys,
      kv: new RedisKvStore({ redis: this.kvRedis, keyPrefix }),
      queue: this.queue,
      allowPrivateAddress,
      logger,
      delivery: this.delivery,
    });
  }

  /** After every module (the workers' queue runner included) has stopped using them. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      [this.kvRedis, this.queueRedis].map((redis) => redis.quit().catch(() => redis.disconnect())),
    );
  }
}

@Module({ providers: [FederationRuntime], exports: [FederationRuntime] })
export class FederationCoreModule {}
