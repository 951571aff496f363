import { Logger } from '@nestjs/common';
import type { Client, Pool, PoolClient, QueryConfig } from 'pg';
import type { DataSource } from 'typeorm';

const MAX_RETRY_DELAY_MS = 5_000;

export interface DatabaseConnectorOptions {
  /** How often a connected service checks that PostgreSQL still answers. */
  heartbeatIntervalMs?: number;
  /** A heartbeat slower than this marks PostgreSQL unavailable (a black-holed server). */
  heartbeatTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Connects a DataSource in the background and keeps trying until it succeeds, so a service starts
 * (and reports itself not ready) while PostgreSQL is unreachable instead of crash-looping. Once
 * connected, a heartbeat tells whether PostgreSQL answers *now* (`available`): request paths
 * answer 503 at once during an outage instead of each waiting for its own query to time out.
 * The heartbeat has a connection of its own, outside the pool: through the pool it waited behind
 * the requests whenever all connections were busy, and a saturated pool was taken for an outage
 * (every request then answered 503 until the next beat).
 */
export class DatabaseConnector {
  private readonly logger = new Logger(DatabaseConnector.name);
  private readonly heartbeatIntervalMs: number;
  private readonly heartbeatTimeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private stopped = false;
  private attempt: Promise<void> | undefined;
  private heartbeat: Promise<void> | undefined;
  private wakeHeartbeat: (() => void) | undefined;
  private lastError: string | undefined;
  private answering = true;
  private probe: Client | undefined;

  constructor(
    readonly dataSource: DataSource,
    options: DatabaseConnectorOptions = {},
  ) {
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 500;
    this.heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 1_000;
    this.sleep =
      options.sleep ??
      ((ms) =>
        new Promise((resolve) => {
          this.wakeHeartbeat = resolve;
          setTimeout(resolve, ms).unref();
        }));
  }

  /** The first connection succeeded (the DataSource is usable, though PostgreSQL may be down). */
  get connected(): boolean {
    return this.dataSource.isInitialized;
  }

  /** Connected, and the latest heartbeat was answered in time. */
  get available(): boolean {
    return this.connected && this.answering;
  }

  /** Why the last attempt or heartbeat failed, for readiness details and 503 logs. */
  get lastConnectError(): string | undefined {
    return this.lastError;
  }

  /** Starts connecting (idempotent); the promise settles once connected or stopped. */
  start(): Promise<void> {
    this.attempt ??= this.connectUntilStopped().then(() => {
      if (!this.stopped) this.heartbeat = this.beatUntilStopped();
    });
    return this.attempt;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeHeartbeat?.();
    await this.attempt;
    await this.heartbeat;
    this.dropProbe();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  private async connectUntilStopped(): Promise<void> {
    for (let failures = 0; !this.stopped; failures++) {
      try {
        await this.dataSource.initialize();
        this.lastError = undefined;
        dropStuckConnections(this.pool());
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

  private async beatUntilStopped(): Promise<void> {
    while (!this.stopped) {
      await this.sleep(this.heartbeatIntervalMs);
      if (this.stopped) return;
      try {
        await this.beat();
        if (!this.answering) this.logger.log('PostgreSQL answers again');
        this.answering = true;
        this.lastError = undefined;
      } catch (error) {
        this.lastError = error instanceof Error ? error.message : String(error);
        if (this.answering) this.logger.warn(`PostgreSQL not answering: ${this.lastError}`);
        this.answering = false;
        this.dropProbe();
      }
    }
  }

  /**
   * `SELECT 1` on the heartbeat's own connection. A kept connection that was lost since the last
   * beat (reset by a failover, a proxy, an idle timeout) says nothing about PostgreSQL now: the
   * beat is taken again at once on a new one. Only a beat that times out, or fails on a fresh
   * connection, marks PostgreSQL unavailable (each reset used to refuse every request until the
   * next beat).
   */
  private async beat(): Promise<void> {
    const reused = this.probe !== undefined;
    try {
      await this.beatOnce();
    } catch (error) {
      if (!reused || isQueryTimeout(error)) throw error;
      this.dropProbe();
      await this.beatOnce();
    }
  }

  /** `SELECT 1` on the heartbeat's own connection (opened with the pool's settings). */
  private async beatOnce(): Promise<void> {
    if (!this.probe) {
      const pool = this.pool();
      // The pool's own client class (the pg that TypeORM loaded), with the pool's settings.
      const PoolClientClass = (pool as unknown as { Client: typeof Client }).Client;
      const client = new PoolClientClass(pool.options);
      // A connection lost between beats: the next beat notices and opens another.
      client.on('error', () => undefined);
      this.probe = client;
      await client.connect();
    }
    // pg honours a per-query `query_timeout` (its types do not declare it).
    await this.probe.query({
      text: 'SELECT 1',
      query_timeout: this.heartbeatTimeoutMs,
    } as QueryConfig);
  }

  /** Closes the heartbeat's connection (failed, or stopping); a stuck one is destroyed. */
  private dropProbe(): void {
    void this.probe?.end().catch(() => undefined);
    this.probe = undefined;
  }

  private pool(): Pool {
    return (this.dataSource.driver as unknown as { master: Pool }).master;
  }
}

/** pg's error for a `query_timeout` that passed (the server did not answer in time). */
function isQueryTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'Query read timeout';
}

/**
 * A pooled connection whose query timed out client-side still waits for that answer, and every
 * later query on it queues behind it; after a network partition that answer may never come.
 * Such a connection is closed when it returns to the pool instead of being handed out again.
 */
function dropStuckConnections(pool: Pool): void {
  pool.on('release', (error: Error | undefined, client: PoolClient) => {
    const internals = client as unknown as { _activeQuery?: unknown };
    // end() marks the client as ending at once (the pool then removes it) and, with a query
    // still in flight, destroys the socket rather than waiting for it.
    if (!error && internals._activeQuery) void client.end().catch(() => undefined);
  });
}
