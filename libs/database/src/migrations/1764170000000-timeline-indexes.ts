import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * From the home-timeline benchmark (docs/benchmarks.md): the per-author scan also filters on
 * visibility, so covering it in the index spares a heap read per candidate row (24k → 3k buffers
 * for a member following 1,000 accounts); and tags are looked up by status when rendering.
 */
export class TimelineIndexes1764170000000 implements MigrationInterface {
  name = 'TimelineIndexes1764170000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX statuses_account_id_id_idx`);
    await queryRunner.query(
      `CREATE INDEX statuses_account_id_id_idx ON statuses (account_id, id DESC) INCLUDE (visibility)`,
    );
    await queryRunner.query(`CREATE INDEX status_tags_status_id_idx ON status_tags (status_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX status_tags_status_id_idx`);
    await queryRunner.query(`DROP INDEX statuses_account_id_id_idx`);
    await queryRunner.query(
      `CREATE INDEX statuses_account_id_id_idx ON statuses (account_id, id DESC)`,
    );
  }
}
