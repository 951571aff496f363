import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';

/**
 * Runs the image work of asynchronous uploads (`POST /api/v2/media`) in this process after the
 * 202 has gone out, one at a time so a burst of uploads cannot take every core and all memory
 * of the pod. Shutdown waits for what was accepted; an upload lost with a crashed pod stays
 * `processing` and is reported failed after `PROCESSING_ABANDONED_MS` (media-limits.ts).
 */
@Injectable()
export class MediaProcessingRunner implements OnApplicationShutdown {
  private readonly logger = new Logger(MediaProcessingRunner.name);
  private tail: Promise<void> = Promise.resolve();

  enqueue(work: () => Promise<void>): void {
    this.tail = this.tail.then(work).catch((error: unknown) => {
      this.logger.error({ msg: 'media processing failed', err: error });
    });
  }

  /** Resolves once everything enqueued so far has finished (tests, shutdown). */
  idle(): Promise<void> {
    return this.tail;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.tail;
  }
}
