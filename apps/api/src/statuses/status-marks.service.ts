import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError, ErrorCode } from '../common/api-error';
import { VISIBLE_TO_VIEWER } from './status.view';

/** Mastodon's limit on pinned statuses per account. */
export const MAX_PINS = 5;

/** A member's private marks on statuses: bookmarks and profile pins. */
@Injectable()
export class StatusMarksService {
  constructor(private readonly db: DataSource) {}

  /** Bookmarks the original of a boost, as Mastodon does; the status must be visible. */
  async bookmark(accountId: string, statusId: string): Promise<string> {
    const [status]: { id: string }[] = await this.db.query(
      `SELECT coalesce(s.reblog_of_id, s.id)::text AS id FROM statuses s
        WHERE s.id = $2 AND ${VISIBLE_TO_VIEWER}`,
      [accountId, statusId],
    );
    if (!status) throw ApiError.notFound();
    await this.db.query(
      `INSERT INTO bookmarks (account_id, status_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [accountId, status.id],
    );
    return status.id;
  }

  async unbookmark(accountId: string, statusId: string): Promise<void> {
    await this.db.query(
      `DELETE FROM bookmarks WHERE account_id = $1
          AND status_id = (SELECT coalesce(reblog_of_id, id) FROM statuses WHERE id = $2)`,
      [accountId, statusId],
    );
  }

  /** Only one's own public or unlisted posts (not boosts), at most `MAX_PINS`: Mastodon's rules. */
  async pin(accountId: string, statusId: string): Promise<void> {
    await this.db.transaction(async (manager) => {
      // Serialises one member's pins, so two at once cannot pass the limit together.
      await manager.query(`SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE`, [accountId]);
      const [status]: { visibility: string; reblog_of_id: string | null }[] = await manager.query(
        `SELECT visibility, reblog_of_id FROM statuses WHERE id = $1 AND account_id = $2`,
        [statusId, accountId],
      );
      if (!status) {
        const [visible]: unknown[] = await manager.query(
          `SELECT 1 FROM statuses s WHERE s.id = $2 AND ${VISIBLE_TO_VIEWER}`,
          [accountId, statusId],
        );
        if (!visible) throw ApiError.notFound();
        throw new ApiError(ErrorCode.Unprocessable, 'Validation failed: Status is not yours');
      }
      if (status.reblog_of_id !== null || !['public', 'unlisted'].includes(status.visibility)) {
        throw new ApiError(
          ErrorCode.Unprocessable,
          'Validation failed: Only public and unlisted posts of your own can be pinned',
        );
      }
      const [pins]: { count: number }[] = await manager.query(
        `SELECT count(*)::int AS count FROM status_pins WHERE account_id = $1 AND status_id <> $2`,
        [accountId, statusId],
      );
      if ((pins?.count ?? 0) >= MAX_PINS) {
        throw new ApiError(
          ErrorCode.Unprocessable,
          'Validation failed: You have already pinned the maximum number of posts',
        );
      }
      await manager.query(
        `INSERT INTO status_pins (account_id, status_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        [accountId, statusId],
      );
    });
  }

  async unpin(accountId: string, statusId: string): Promise<void> {
    await this.db.query(`DELETE FROM status_pins WHERE account_id = $1 AND status_id = $2`, [
      accountId,
      statusId,
    ]);
  }
}
