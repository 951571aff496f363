import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import {
  DIGEST_QUEUE,
  DIGEST_SCHEDULE,
  DigestJob,
  type DigestJobData,
  Queues,
} from '@fediflow/queue';

const JOB_DATA: DigestJobData = { [DigestJob.SendDigests]: {} };

/**
 * Registers the digest schedule. Upserting is idempotent, so every replica may do it at start-up;
 * BullMQ keeps one scheduler per id whatever the number of replicas.
 */
@Injectable()
export class DigestScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(DigestScheduler.name);

  constructor(private readonly queues: Queues) {}

  onApplicationBootstrap(): void {
    // Not awaited: with Redis down this waits for it, and start-up must not.
    void this.schedule().catch((error: unknown) =>
      this.logger.error({ msg: 'could not register the digest schedule', err: error }),
    );
  }

  async schedule(): Promise<void> {
    const queue = this.queues.get(DIGEST_QUEUE);
    for (const name of Object.values(DigestJob)) {
      await queue.upsertJobScheduler(
        name,
        { every: DIGEST_SCHEDULE[name].everyMs },
        { name, data: JOB_DATA[name] },
      );
    }
  }
}
