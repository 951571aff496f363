import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';

const MAX_RETRY_DELAY_MS = 5_000;

/**
 * Connects a DataSource in the background and keeps trying until it succeeds, so a service starts
 * (and reports itself not ready) while PostgreSQL is unreachable instead of crash-looping. Once
 * connected, the pg pool replaces broken connections by itself.
 */
export class DatabaseConnector {
  private readonly logger = new Logger(DatabaseConnector.name);
  private stopped = false;
  private attempt: Promise<void> | undefined;
  private lastError: string | undefined;

  constructor(
    readonly dataSource: DataSource,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms).unref()),
  ) {}

  get connected(): boolean {
    return this.dataSource.isInitialized;
  }

  /** Why the last attempt failed, for readiness details. */
  get lastConnectError(): string | undefined {
    return this.lastError;
  }

  /** Starts connecting (idempotent); the promise settles once connected or stopped. */
  start(): Promise<void> {
    this.attempt ??= this.connectUntilStopped();
    return this.attempt;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.attempt;
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  private async connectUntilStopped(): Promise<void> {
    for (let failures = 0; !this.stopped; failures++) {
      try {
        await this.dataSource.initialize();
        this.lastError = undefined;
        if (failures > 0)
          this.logger.log(`connected to PostgreSQL after ${failures} failed attempts`);
        return;
      } catch (error) {
        this.lastError = error instanceof Error ? error.message : String(error);
        // A failed first connect leaves the driver's pool behind; close it before the next try.
        await this.dataSource.driver.disconnect().catch(() => undefined);
        if (failures === 0) this.logger.warn(`PostgreSQL unreachable, retrying: ${this.lastError}`);
        await this.sleep(Math.min(MAX_RETRY_DELAY_MS, 250 * 2 ** Math.min(failures, 5)));
      }
    }
  }
}
