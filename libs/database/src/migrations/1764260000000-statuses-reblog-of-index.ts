import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Home timelines show one entry per original (the first of it and its reblogs to arrive): both the
 * home query and the feed fan-out look up the reblogs of a status. Deleting a status deletes its
 * reblogs by the same lookup, which had only a sequential scan before.
 */
export class StatusesReblogOfIndex1764260000000 implements MigrationInterface {
  name = 'StatusesReblogOfIndex1764260000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX statuses_reblog_of_id_idx ON statuses (reblog_of_id, id)
         INCLUDE (account_id, visibility) WHERE reblog_of_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX statuses_reblog_of_id_idx`);
  }
}
