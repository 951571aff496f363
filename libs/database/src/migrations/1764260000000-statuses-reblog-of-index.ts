import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Home timelines show one entry per original (the first of it and its reblogs to arrive): the home
 * query and the feed fan-out look up the reblogs of a status (deleting a status deletes its
 * reblogs by the same lookup, which had only a sequential scan), and the per-author scan of the
 * home query now reads `reblog_of_id` too, so the covering index carries it (index-only again).
 */
export class StatusesReblogOfIndex1764260000000 implements MigrationInterface {
  name = 'StatusesReblogOfIndex1764260000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX statuses_reblog_of_id_idx ON statuses (reblog_of_id, id)
         INCLUDE (account_id, visibility) WHERE reblog_of_id IS NOT NULL`,
    );
    await queryRunner.query(`DROP INDEX statuses_account_id_id_idx`);
    await queryRunner.query(
      `CREATE INDEX statuses_account_id_id_idx ON statuses (account_id, id DESC)
         INCLUDE (visibility, reblog_of_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX statuses_account_id_id_idx`);
    await queryRunner.query(
      `CREATE INDEX statuses_account_id_id_idx ON statuses (account_id, id DESC) INCLUDE (visibility)`,
    );
    await queryRunner.query(`DROP INDEX statuses_reblog_of_id_idx`);
  }
}
