import {
  Inject,
  Injectable,
  Logger,
  Module,
  Optional,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, type CommonConfig, type ServiceName } from '@fediflow/config';
import {
  federationKeyPrefix,
  RedisKvStore,
  RedisMessageQueue,
  SqsMessageQueue,
} from '@fediflow/federation-adapters';
import { FEDERATION_QUEUE_CONCURRENCY, FEDERATION_QUEUE_NAME } from '@fediflow/queue/federation';
import { createRedisConnection, RedisEpoch } from '@fediflow/redis';
import { SocialEvents } from '@fediflow/social';
import type { Context, MessageQueue } from '@fedify/fedify';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { ActorKeyStore } from './actor-keys';
import { CircuitBreaker, DeliveryFailures, DeliveryGate, DirectDelivery } from './delivery';
import { DomainBlocks } from './domain-blocks';
import { createFediflowFederation, type FediflowFederation } from './fediflow-federation';
import { isInboxMessage, JournaledMessageQueue } from './inbox-journal';
import { installOutboundHttp } from './outbound-http';
import { fediflowVersion } from './software-version';

/** What the federation and workers services both configure. */
export type FederationRuntimeConfig = CommonConfig & {
  readonly service: ServiceName;
  readonly FEDERATION_ALLOW_PRIVATE_ADDRESSES?: boolean;
  /** Announced in NodeInfo (the api enforces it; the workers do not read it). */
  readonly REGISTRATIONS_OPEN?: boolean;
  /** `sqs`: inbound activities are queued on SQS for the activityProcessor Lambda. */
  readonly INBOUND_QUEUE?: 'redis' | 'sqs';
  readonly INBOUND_QUEUE_URL?: string;
  readonly SQS_ENDPOINT_URL?: string;
};

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
  /**
   * `queue` as Fedify uses it: inbound activities are also journaled in PostgreSQL until handled,
   * so a 202'd activity survives the loss of Redis (see JournaledMessageQueue).
   */
  readonly journaledQueue: JournaledMessageQueue;
  /** Which life of the Redis dataset this is: work recorded under another epoch was lost. */
  readonly epoch: RedisEpoch;
  /** Where inbound activities are queued: `journaledQueue`, or SQS with `INBOUND_QUEUE=sqs`. */
  readonly inboxQueue: MessageQueue;
  /** Fedify's key-value store (remote documents, public keys, idempotence). */
  readonly kv: RedisKvStore;
  /** Per-host circuits of outgoing deliveries (Redis, shared by every worker). */
  readonly circuits: CircuitBreaker;
  readonly deliveryFailures: DeliveryFailures;
  /** Wraps the queue's deliveries; the workers observe its outcomes for metrics. */
  readonly delivery: DeliveryGate;
  readonly origin: string;
  private readonly kvRedis: Redis;
  private readonly queueRedis: Redis;
  private sendingContext: Context<void> | undefined;

  constructor(
    @Inject(APP_CONFIG) config: FederationRuntimeConfig,
    db: DataSource,
    // The service's SocialModule, when it has one: inbound writes are announced there too.
    @Optional() socialEvents?: SocialEvents,
  ) {
    const logger = new Logger('Federation');
    const allowPrivateAddress = config.FEDERATION_ALLOW_PRIVATE_ADDRESSES ?? false;
    // Fedify fetches and delivers with the global fetch: guard it for the whole process.
    installOutboundHttp({ allowPrivateAddress });
    const keyPrefix = federationKeyPrefix(config.REDIS_KEY_PREFIX);
    // Request paths fail fast while Redis is down (`command`); the queue waits it out (`queue`).
    // With federation off nothing uses them (an api would hold two idle connections per pod), so
    // they connect on first use only.
    const lazyConnect = !config.FEDERATION_ENABLED;
    this.kvRedis = createRedisConnection({
      url: config.REDIS_URL,
      name: `${config.service}:fedify-kv`,
      role: 'command',
      lazyConnect,
    });
    this.queueRedis = createRedisConnection({
      url: config.REDIS_URL,
      name: `${config.service}:fedify-queue`,
      role: 'queue',
      lazyConnect,
    });
    this.origin = new URL(config.PUBLIC_ORIGIN).origin;
    this.keys = new ActorKeyStore(db);
    this.domainBlocks = new DomainBlocks(db);
    this.queue = new RedisMessageQueue({
      redis: this.queueRedis,
      // Web nodes enqueue on request paths: fail fast (503) rather than wait for Redis.
      producer: config.service === 'workers' ? undefined : this.kvRedis,
      keyPrefix,
      name: FEDERATION_QUEUE_NAME,
      // Deliveries mostly wait on remote servers: one worker keeps many in flight.
      concurrency: FEDERATION_QUEUE_CONCURRENCY,
      logger,
    });
    // One marker for the dataset both the inbox journal and the outbox relay queue into. It is
    // read on request paths, hence the fail-fast connection (as the queue's producer).
    this.epoch = new RedisEpoch(
      config.service === 'workers' ? this.queueRedis : this.kvRedis,
      `${keyPrefix}epoch`,
    );
    this.journaledQueue = new JournaledMessageQueue({
      inner: this.queue,
      db,
      epoch: this.epoch,
      journals: isInboxMessage,
      logger,
    });
    this.inboxQueue =
      config.INBOUND_QUEUE === 'sqs' && config.INBOUND_QUEUE_URL
        ? new SqsMessageQueue({
            queueUrl: config.INBOUND_QUEUE_URL,
            endpoint: config.SQS_ENDPOINT_URL,
          })
        : this.journaledQueue;
    this.kv = new RedisKvStore({ redis: this.kvRedis, keyPrefix });
    this.circuits = new CircuitBreaker(this.queueRedis, { keyPrefix });
    this.deliveryFailures = new DeliveryFailures(db);
    this.delivery = new DeliveryGate({
      breaker: this.circuits,
      failures: this.deliveryFailures,
      domainBlocks: this.domainBlocks,
      logger,
      direct: new DirectDelivery(),
    });
    this.federation = createFediflowFederation({
      origin: this.origin,
      db,
      keys: this.keys,
      kv: this.kv,
      queue: this.journaledQueue,
      ...(this.inboxQueue === this.journaledQueue ? {} : { inboxQueue: this.inboxQueue }),
      allowPrivateAddress,
      domainBlocks: this.domainBlocks,
      openRegistrations: config.REGISTRATIONS_OPEN ?? false,
      softwareVersion: fediflowVersion(),
      logger,
      delivery: this.delivery,
      onInboxProcessed: this.delivery.inboundProcessed,
      socialEvents,
    });
  }

  /**
   * The context this process sends and builds activities with (no request behind it), made once:
   * a Fedify context holds only the federation and its loaders, and each new one builds new
   * caching loaders — 4–5 % of the api's CPU on `POST /api/v1/statuses`, which made two per post.
   */
  context(): Context<void> {
    return (this.sendingContext ??= this.federation.createContext(new URL(this.origin), undefined));
  }

  /** After every module (the workers' queue runner included) has stopped using them. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      [this.kvRedis, this.queueRedis].map((redis) =>
        // QUIT on a lazy connection never used would connect just to say goodbye.
        redis.status === 'wait' ? redis.disconnect() : redis.quit().catch(() => redis.disconnect()),
      ),
    );
  }
}

@Module({ providers: [FederationRuntime], exports: [FederationRuntime] })
export class FederationCoreModule {}
