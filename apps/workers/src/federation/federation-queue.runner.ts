import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { APP_CONFIG, type WorkersConfig } from '@fediflow/config';
import { FederationRuntime } from '@fediflow/federation';

/**
 * Runs Fedify's queue (inbox handlers, outgoing deliveries) on the workers; the web nodes only
 * enqueue. Stopping aborts the listener and waits for the messages in hand, so SIGTERM drains.
 * With federation switched off the queue is left alone: its messages wait, nothing is lost.
 */
@Injectable()
export class FederationQueueRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(FederationQueueRunner.name);
  private controller: AbortController | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly runtime: FederationRuntime,
    @Inject(APP_CONFIG) private readonly config: WorkersConfig,
  ) {}

  get isRunning(): boolean {
    return this.running !== undefined && !this.controller?.signal.aborted;
  }

  onApplicationBootstrap(): void {
    if (!this.config.FEDERATION_ENABLED) return;
    this.controller = new AbortController();
    this.running = this.runtime.federation
      // With inbound activities on SQS the Lambda handles them; only deliveries are run here.
      .startQueue(undefined, {
        signal: this.controller.signal,
        ...(this.config.INBOUND_QUEUE === 'sqs' ? { queue: 'outbox' as const } : {}),
      })
      .catch((error: unknown) => {
        this.logger.error(`federation queue stopped: ${String(error)}`);
      });
  }

  async onModuleDestroy(): Promise<void> {
    this.controller?.abort();
    await this.running;
    this.running = undefined;
  }
}
