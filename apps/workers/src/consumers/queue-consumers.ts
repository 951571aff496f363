import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { APP_CONFIG, type WorkersConfig } from '@fediflow/config';
import { QUEUE_CONNECTION, QUEUE_SETTINGS, QueueMetrics, queuePrefix } from '@fediflow/queue';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { JOB_PROCESSORS, type JobProcessor } from './job-processor';

/**
 * Runs one BullMQ worker per processor, records job metrics, and on shutdown lets active jobs
 * finish before the connections close (Nest calls `onModuleDestroy` before closing anything else).
 */
@Injectable()
export class QueueConsumers implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(QueueConsumers.name);
  private workers: Worker[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: WorkersConfig,
    @Inject(QUEUE_CONNECTION) private readonly connection: Redis,
    @Inject(JOB_PROCESSORS) private readonly processors: readonly JobProcessor[],
    private readonly metrics: QueueMetrics,
  ) {}

  /** True while every worker consumes and its Redis connection is up. */
  get running(): boolean {
    return this.connection.status === 'ready' && this.workers.every((worker) => worker.isRunning());
  }

  onApplicationBootstrap(): void {
    this.workers = this.processors.map((processor) => this.startWorker(processor));
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }

  private startWorker(processor: JobProcessor): Worker {
    const settings = QUEUE_SETTINGS[processor.queue];
    const worker = new Worker(processor.queue, (job: Job) => this.run(processor, job), {
      connection: this.connection,
      prefix: queuePrefix(this.config.REDIS_KEY_PREFIX),
      concurrency: Math.min(settings.concurrency, this.config.WORKER_CONCURRENCY),
    });
    worker.on('failed', (job, error) =>
      this.logger.warn({
        msg: `job failed: ${error.message}`,
        queue: processor.queue,
        job: job?.name,
        job_id: job?.id,
        attempt: job?.attemptsMade,
      }),
    );
    // Connection errors repeat while Redis is down; readiness reports that, one log line suffices.
    let lastError = '';
    worker.on('error', (error) => {
      if (error.message === lastError) return;
      lastError = error.message;
      this.logger.warn({ msg: `queue worker error: ${error.message}`, queue: processor.queue });
    });
    worker.on('ready', () => (lastError = ''));
    return worker;
  }

  private async run(processor: JobProcessor, job: Job): Promise<void> {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const outcome = await processor.process(job);
      this.metrics.record(processor.queue, job.name, outcome, seconds());
    } catch (error) {
      this.metrics.record(processor.queue, job.name, 'failed', seconds());
      throw error;
    }
  }
}
