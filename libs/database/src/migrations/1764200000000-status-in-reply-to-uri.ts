import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The URI a remote reply answers, kept even when its parent could not be fetched, so the thread
 * is mended when the parent arrives later (the partial index finds the orphans).
 */
export class StatusInReplyToUri1764200000000 implements MigrationInterface {
  name = 'StatusInReplyToUri1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE statuses ADD COLUMN in_reply_to_uri text`);
    await queryRunner.query(
      `CREATE INDEX statuses_orphan_replies_idx ON statuses (in_reply_to_uri)
         WHERE in_reply_to_id IS NULL AND in_reply_to_uri IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX statuses_orphan_replies_idx`);
    await queryRunner.query(`ALTER TABLE statuses DROP COLUMN in_reply_to_uri`);
  }
}
