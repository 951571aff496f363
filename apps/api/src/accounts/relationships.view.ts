import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Mastodon's Relationship entity (blocks and mutes are not implemented yet: always false). */
export interface RelationshipJson {
  id: string;
  following: boolean;
  showing_reblogs: boolean;
  notifying: boolean;
  languages: null;
  followed_by: boolean;
  blocking: false;
  blocked_by: false;
  muting: false;
  muting_notifications: false;
  requested: boolean;
  /**
   * FediFlow extension: when the viewer's pending follow request was sent (null when none), so
   * a client can show how long a remote server has left it unanswered.
   */
  requested_at: string | null;
  requested_by: boolean;
  domain_blocking: false;
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
    }[] = await this.db.query(
      `SELECT t.id::text AS id,
                EXISTS (SELECT 1 FROM follows WHERE account_id = $1 AND target_account_id = t.id) AS following,
                EXISTS (SELECT 1 FROM follows WHERE account_id = t.id AND target_account_id = $1) AS followed_by,
                (SELECT created_at FROM follow_requests WHERE account_id = $1 AND target_account_id = t.id) AS requested_at,
                EXISTS (SELECT 1 FROM follow_requests WHERE account_id = t.id AND target_account_id = $1) AS requested_by
           FROM unnest($2::bigint[]) AS t(id)`,
      [viewerId, targetIds],
    );
    return rows.map((row) => ({
      id: row.id,
      following: row.following,
      showing_reblogs: row.following,
      notifying: false,
      languages: null,
      followed_by: row.followed_by,
      blocking: false,
      blocked_by: false,
      muting: false,
      muting_notifications: false,
      requested: row.requested_at !== null,
      requested_at: row.requested_at?.toISOString() ?? null,
      requested_by: row.requested_by,
      domain_blocking: false,
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
