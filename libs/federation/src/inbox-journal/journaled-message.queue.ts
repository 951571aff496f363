import type {
  MessageQueue,
  MessageQueueEnqueueOptions,
  MessageQueueListenOptions,
} from '@fedify/fedify';
import type { RedisEpoch } from '@fediflow/redis';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource, EntityManager } from 'typeorm';
import { durationMs, type QueueLogger } from '@fediflow/federation-adapters';
import { millisecondsDuration } from '../temporal';

export interface JournaledMessageQueueOptions {
  /** Where messages wait for a worker (the Redis queue); the journal is its safety net. */
  inner: MessageQueue;
  db: DataSource;
  /** The epoch of the Redis dataset `inner` lives in. */
  epoch: RedisEpoch;
  /** Which messages are journaled; the others go straight to `inner`. Default: all. */
  journals?: (message: unknown) => boolean;
  /** How often listeners look for journal entries queued in a Redis dataset that is gone. */
  recoverIntervalMs?: number;
  /** Journal entries re-enqueued per transaction. */
  recoverBatchSize?: number;
  logger?: QueueLogger;
}

/** What travels through `inner`: the journal row's id and the message itself. */
interface JournaledEnvelope {
  journalId: string;
  message: unknown;
}

/** An activity waiting to be written with the others that arrived meanwhile. */
interface PendingEntry {
  id: string;
  message: string;
  orderingKey: string | null;
  delayMs: number;
  written: () => void;
  failed: (error: unknown) => void;
}

/** Rows per INSERT (one statement, one commit). */
const MAX_WRITE_BATCH = 200;

interface JournalRow {
  id: string;
  message: unknown;
  ordering_key: string | null;
  delay_ms: string;
}

function isJournaled(value: unknown): value is JournaledEnvelope {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<JournaledEnvelope>).journalId === 'string' &&
    'message' in value
  );
}

/** Fedify's inbound-activity messages (deliveries have their own outbox in PostgreSQL). */
export function isInboxMessage(message: unknown): boolean {
  return (message as { type?: unknown } | null)?.type === 'inbox';
}

/**
 * A message queue whose messages are written to PostgreSQL (`inbox_journal`) before they are
 * handed to `inner`, and removed once a handler has finished with them. Used for inbound
 * activities: the inbox answers 202 only after `enqueue` resolved, so an activity a sender was
 * told is accepted is in PostgreSQL even when Redis loses it (restart without persistence,
 * failover to an empty node). PostgreSQL down means `enqueue` throws and the inbox answers 503,
 * so the sender retries.
 *
 * Every row records the Redis epoch it was queued in. Listeners re-enqueue rows of any other
 * epoch (their Redis dataset is gone, and with it the message) and stamp them with the current
 * one. A row may so be handled twice (e.g. queued with an epoch read just before Redis came back
 * empty); Fedify's activity idempotence and the handlers' upserts absorb that. At least once,
 * never lost.
 */
export class JournaledMessageQueue implements MessageQueue {
  readonly nativeRetrial?: boolean;
  private readonly recoverIntervalMs: number;
  private readonly recoverBatchSize: number;
  private readonly logger: QueueLogger;
  private readonly pending: PendingEntry[] = [];
  private writing: Promise<void> | undefined;

  constructor(private readonly options: JournaledMessageQueueOptions) {
    this.nativeRetrial = options.inner.nativeRetrial;
    this.recoverIntervalMs = options.recoverIntervalMs ?? 5_000;
    this.recoverBatchSize = options.recoverBatchSize ?? 500;
    this.logger = options.logger ?? console;
  }

  async enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
    if (this.options.journals && !this.options.journals(message)) {
      return this.options.inner.enqueue(message, options);
    }
    const journalId = randomUUID();
    await new Promise<void>((written, failed) => {
      this.pending.push({
        id: journalId,
        message: JSON.stringify(message),
        orderingKey: options?.orderingKey ?? null,
        delayMs: options?.delay ? Math.max(0, Math.ceil(durationMs(options.delay))) : 0,
        written,
        failed,
      });
      this.writing ??= this.writePending();
    });
    try {
      await this.options.inner.enqueue({ journalId, message } satisfies JournaledEnvelope, options);
    } catch (error) {
      // Not accepted after all (the inbox answers 503 and the sender retries): no row should
      // outlive it, or a later Redis loss would hand the activity out a second time.
      await this.forget(journalId);
      throw error;
    }
  }

  /**
   * Group commit: the first activity is written at once; those arriving while a write is in
   * flight go together in the next INSERT, so under load one commit (one fsync) serves many
   * requests instead of each waiting for its own.
   */
  private async writePending(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_WRITE_BATCH);
      try {
        const epoch = await this.options.epoch.current();
        await this.options.db.query(
          `INSERT INTO inbox_journal (id, message, ordering_key, epoch, due_at)
           SELECT id, message, ordering_key, $5, now() + delay_ms * interval '1 millisecond'
             FROM unnest($1::uuid[], $2::json[], $3::text[], $4::bigint[])
                  AS entry(id, message, ordering_key, delay_ms)`,
          [
            batch.map((entry) => entry.id),
            batch.map((entry) => entry.message),
            batch.map((entry) => entry.orderingKey),
            batch.map((entry) => entry.delayMs),
            epoch,
          ],
        );
        for (const entry of batch) entry.written();
      } catch (error) {
        for (const entry of batch) entry.failed(error);
      }
    }
    this.writing = undefined;
  }

  /** Also runs the recovery of lost messages, every `recoverIntervalMs`, until `signal` aborts. */
  async listen(
    handler: (message: unknown) => Promise<void> | void,
    options: MessageQueueListenOptions = {},
  ): Promise<void> {
    const recovering = this.recoverEvery(options.signal);
    await this.options.inner.listen(async (received) => {
      // Messages queued before the journal existed carry no id.
      if (!isJournaled(received)) return handler(received);
      await handler(received.message);
      await this.forget(received.journalId);
    }, options);
    await recovering;
  }

  /**
   * Re-enqueues the journal rows of other Redis epochs; returns how many. Rows are locked while
   * they are re-enqueued, so concurrent listeners share the work, and a failed enqueue rolls
   * the epoch stamp back for the next pass.
   */
  async recover(): Promise<number> {
    const epoch = await this.options.epoch.current();
    let total = 0;
    for (;;) {
      const count = await this.options.db.transaction((manager) =>
        this.recoverBatch(manager, epoch),
      );
      total += count;
      if (count < this.recoverBatchSize) return total;
    }
  }

  private async recoverBatch(manager: EntityManager, epoch: string): Promise<number> {
    const rows = (await manager.query(
      `SELECT id, message, ordering_key,
              greatest(0, ceil(extract(epoch FROM due_at - now()) * 1000))::bigint AS delay_ms
         FROM inbox_journal WHERE epoch <> $1
        ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [epoch, this.recoverBatchSize],
    )) as JournalRow[];
    for (const row of rows) {
      const delayMs = Number(row.delay_ms);
      await this.options.inner.enqueue(
        { journalId: String(row.id), message: row.message } satisfies JournaledEnvelope,
        {
          ...(delayMs > 0 ? { delay: millisecondsDuration(delayMs) } : {}),
          ...(row.ordering_key === null ? {} : { orderingKey: row.ordering_key }),
        },
      );
    }
    if (rows.length > 0) {
      await manager.query(`UPDATE inbox_journal SET epoch = $1 WHERE id = ANY($2::uuid[])`, [
        epoch,
        rows.map((row) => row.id),
      ]);
    }
    return rows.length;
  }

  private async recoverEvery(signal: AbortSignal | undefined): Promise<void> {
    while (!signal?.aborted) {
      try {
        const recovered = await this.recover();
        if (recovered > 0) {
          this.logger.warn(
            `inbox journal: re-enqueued ${recovered} activities whose Redis queue was lost`,
          );
        }
      } catch (error) {
        this.logger.warn(`inbox journal: recovery pass failed, retrying: ${String(error)}`);
      }
      await sleep(this.recoverIntervalMs, undefined, { signal }).catch(() => undefined);
    }
  }

  /**
   * The handler is done: a failure to delete the row is only logged, since throwing would have
   * the queue run the handler again now. The row stays until a Redis loss re-enqueues it once.
   */
  private async forget(journalId: string): Promise<void> {
    try {
      await this.options.db.query(`DELETE FROM inbox_journal WHERE id = $1`, [journalId]);
    } catch (error) {
      this.logger.warn(`inbox journal: could not remove entry ${journalId}: ${String(error)}`);
    }
  }
}
