import { Injectable } from '@nestjs/common';
import { MUTE_ACTIVE } from '@fediflow/social';
import { DataSource } from 'typeorm';

/** Mastodon's Relationship entity (endorsements and notes are not implemented: false and ''). */
export interface RelationshipJson {
  id: string;
  following: boolean;
  showing_reblogs: boolean;
  notifying: boolean;
  languages: null;
  followed_by: boolean;
  blocking: boolean;
  blocked_by: boolean;
  muting: boolean;
  muting_notifications: boolean;
  requested: boolean;
  /**
   * FediFlow extension: when the viewer's pending follow request was sent (null when none), so
   * a client can show how long a remote server has left it unanswered.
   */
  requested_at: string | null;
  requested_by: boolean;
  domain_blocking: boolean;
  endorsed: false;
  note: string;
}

@Injectable()
export class RelationshipsView {
  constructor(private readonly db: DataSource) {}

  async between(viewerId: string, targetIds: readonly string[]): Promise<RelationshipJson[]> {
    if (targetIds.length === 0) return [];
    const rows: {
      id: string;
      following: boolean;
      followed_by: boolean;
      requested_at: Date | null;
      requested_by: boolean;
      blocking: boolean;
      blocked_by: boolean;
      muting: boolean;
      muting_notifications: boolean;
      domain_blocking: boolean;
    }[] = await this.db.query(
      `SELECT t.id::text AS id,
                EXISTS (SELECT 1 FROM follows WHERE account_id = $1 AND target_account_id = t.id) AS following,
                EXISTS (SELECT 1 FROM follows WHERE account_id = t.id AND target_account_id = $1) AS followed_by,
                (SELECT created_at FROM follow_requests WHERE account_id = $1 AND target_account_id = t.id) AS requested_at,
                EXISTS (SELECT 1 FROM follow_requests WHERE account_id = t.id AND target_account_id = $1) AS requested_by,
                EXISTS (SELECT 1 FROM blocks WHERE account_id = $1 AND target_account_id = t.id) AS blocking,
                EXISTS (SELECT 1 FROM blocks WHERE account_id = t.id AND target_account_id = $1) AS blocked_by,
                coalesce(m.active, false) AS muting,
                coalesce(m.active AND m.hide_notifications, false) AS muting_notifications,
                EXISTS (SELECT 1 FROM account_domain_blocks d JOIN accounts a ON a.domain = d.domain
                         WHERE d.account_id = $1 AND a.id = t.id) AS domain_blocking
           FROM unnest($2::bigint[]) AS t(id)
           LEFT JOIN LATERAL (
             SELECT ${MUTE_ACTIVE} AS active, hide_notifications FROM mutes
              WHERE account_id = $1 AND target_account_id = t.id) m ON true`,
      [viewerId, targetIds],
    );
    return rows.map((row) => ({
      id: row.id,
      following: row.following,
      showing_reblogs: row.following,
      notifying: false,
      languages: null,
      followed_by: row.followed_by,
      blocking: row.blocking,
      blocked_by: row.blocked_by,
      muting: row.muting,
      muting_notifications: row.muting_notifications,
      requested: row.requested_at !== null,
      requested_at: row.requested_at?.toISOString() ?? null,
      requested_by: row.requested_by,
      domain_blocking: row.domain_blocking,
      endorsed: false,
      note: '',
    }));
  }

  async one(viewerId: string, targetId: string): Promise<RelationshipJson> {
    const [relationship] = await this.between(viewerId, [targetId]);
    if (!relationship) throw new Error(`no relationship row for ${targetId}`);
    return relationship;
  }
}
