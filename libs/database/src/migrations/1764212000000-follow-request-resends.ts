import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A member's follow request to a remote account that never answers is re-sent with backoff:
 * how often it was re-sent and when last (NULL: only the first Follow, at `created_at`).
 */
export class FollowRequestResends1764212000000 implements MigrationInterface {
  name = 'FollowRequestResends1764212000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE follow_requests ADD COLUMN resends integer NOT NULL DEFAULT 0,
                                   ADD COLUMN last_sent_at timestamptz`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE follow_requests DROP COLUMN last_sent_at, DROP COLUMN resends`,
    );
  }
}
