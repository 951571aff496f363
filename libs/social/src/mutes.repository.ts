import { modifiedRows } from '@fediflow/database';
import type { Announcements } from './announcements';
import type { Queryable } from './queryable';

export interface MuteOptions {
  /** Also hide the muted account's notifications (Mastodon's default). */
  notifications: boolean;
  /** When the mute lapses; null for an indefinite mute. */
  expiresAt: Date | null;
}

/** A mute is in force until unmuted or until it expires (the readers compare `expires_at`). */
export const MUTE_ACTIVE = `(expires_at IS NULL OR expires_at > now())`;

/**
 * Mutes (Mastodon's MuteService): muting again replaces the options and the expiry. Only a mute
 * that was not already in force (new, or past its expiry) is announced as started.
 */
export class MutesRepository {
  constructor(private readonly announcements: Announcements) {}

  async start(
    db: Queryable,
    accountId: string,
    targetId: string,
    options: MuteOptions,
  ): Promise<void> {
    const [before] = (await db.query(
      `SELECT ${MUTE_ACTIVE} AS active FROM mutes
        WHERE account_id = $1 AND target_account_id = $2 FOR UPDATE`,
      [accountId, targetId],
    )) as { active: boolean }[];
    await db.query(
      `INSERT INTO mutes (account_id, target_account_id, hide_notifications, expires_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (account_id, target_account_id)
       DO UPDATE SET hide_notifications = EXCLUDED.hide_notifications,
                     expires_at = EXCLUDED.expires_at, created_at = now()`,
      [accountId, targetId, options.notifications, options.expiresAt],
    );
    if (!before?.active) {
      await this.announcements.announce(db, 'muteStarted', {
        viewerId: accountId,
        targetAccountId: targetId,
      });
    }
  }

  /** Returns whether a mute in force ended (an expired one is removed silently). */
  async end(db: Queryable, accountId: string, targetId: string): Promise<boolean> {
    const [removed] = modifiedRows<{ active: boolean }>(
      await db.query(
        `DELETE FROM mutes WHERE account_id = $1 AND target_account_id = $2
         RETURNING ${MUTE_ACTIVE} AS active`,
        [accountId, targetId],
      ),
    );
    if (!removed?.active) return false;
    await this.announcements.announce(db, 'muteEnded', {
      viewerId: accountId,
      targetAccountId: targetId,
    });
    return true;
  }

  /** Removes the mutes past their expiry, each announced as ended; returns how many. */
  async expire(db: Queryable): Promise<number> {
    const lapsed = modifiedRows<{ viewerId: string; targetAccountId: string }>(
      await db.query(
        `DELETE FROM mutes WHERE expires_at <= now()
         RETURNING account_id::text AS "viewerId", target_account_id::text AS "targetAccountId"`,
      ),
    );
    for (const mute of lapsed) await this.announcements.announce(db, 'muteEnded', mute);
    return lapsed.length;
  }
}
