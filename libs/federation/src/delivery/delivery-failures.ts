import { deleteInBatches } from '@fediflow/database';
import type { DataSource } from 'typeorm';

/** One failed attempt of one activity to one inbox. */
export interface DeliveryFailure {
  inbox: URL;
  activityId: string;
  activityType: string;
  /** Deliveries tried so far, this one included. */
  attempts: number;
  /** The remote's HTTP status; undefined for network errors and timeouts. */
  status?: number;
  error: string;
  /** No further attempt will be made. */
  permanent: boolean;
}

export interface RecordedDeliveryFailure {
  inboxUrl: string;
  host: string;
  activityId: string;
  activityType: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string;
  permanent: boolean;
  firstFailedAt: Date;
  lastFailedAt: Date;
}

interface Row {
  inbox_url: string;
  host: string;
  activity_id: string;
  activity_type: string;
  attempts: number;
  last_status: number | null;
  last_error: string;
  permanent: boolean;
  first_failed_at: Date;
  last_failed_at: Date;
}

/** Error texts are remote-controlled (response bodies): keep what operators need, no more. */
const MAX_ERROR_LENGTH = 2_000;

/** The `delivery_failures` table: what failed, where, how often, and whether it was given up. */
export class DeliveryFailures {
  constructor(private readonly db: DataSource) {}

  async record(failure: DeliveryFailure): Promise<void> {
    await this.db.query(
      `INSERT INTO delivery_failures
         (inbox_url, host, activity_id, activity_type, attempts, last_status, last_error, permanent)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (inbox_url, activity_id) DO UPDATE SET
         attempts = GREATEST(delivery_failures.attempts, EXCLUDED.attempts),
         last_status = EXCLUDED.last_status,
         last_error = EXCLUDED.last_error,
         permanent = EXCLUDED.permanent,
         last_failed_at = now()`,
      [
        failure.inbox.href,
        failure.inbox.host,
        failure.activityId,
        failure.activityType,
        failure.attempts,
        failure.status ?? null,
        failure.error.slice(0, MAX_ERROR_LENGTH),
        failure.permanent,
      ],
    );
  }

  /** A later attempt got through: the failure is no longer one. */
  async resolve(inbox: URL, activityId: string): Promise<void> {
    await this.db.query(`DELETE FROM delivery_failures WHERE inbox_url = $1 AND activity_id = $2`, [
      inbox.href,
      activityId,
    ]);
  }

  /**
   * Deletes records whose last failure is older than the retention — well past the retry period
   * (days) and the hold of an open circuit (a week), so no delivery still in play loses its
   * record. In batches, to keep locks short.
   */
  prune(retentionDays: number, batchSize?: number): Promise<{ deleted: number }> {
    return deleteInBatches(
      this.db,
      'delivery_failures',
      `last_failed_at < now() - make_interval(days => $1)`,
      [retentionDays],
      batchSize,
    );
  }

  /** Newest first; `host` narrows to one remote host (as in the inbox URL, port included). */
  async list(options: { host?: string; limit?: number } = {}): Promise<RecordedDeliveryFailure[]> {
    const rows = (await this.db.query(
      `SELECT inbox_url, host, activity_id, activity_type, attempts, last_status, last_error,
              permanent, first_failed_at, last_failed_at
         FROM delivery_failures
        WHERE $1::text IS NULL OR host = $1
        ORDER BY last_failed_at DESC, id DESC
        LIMIT $2`,
      [options.host?.toLowerCase() ?? null, options.limit ?? 50],
    )) as Row[];
    return rows.map((row) => ({
      inboxUrl: row.inbox_url,
      host: row.host,
      activityId: row.activity_id,
      activityType: row.activity_type,
      attempts: row.attempts,
      lastStatus: row.last_status,
      lastError: row.last_error,
      permanent: row.permanent,
      firstFailedAt: row.first_failed_at,
      lastFailedAt: row.last_failed_at,
    }));
  }
}
