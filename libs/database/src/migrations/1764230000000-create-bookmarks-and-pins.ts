import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A member's private bookmarks, and the statuses pinned to the top of their profile. */
export class CreateBookmarksAndPins1764230000000 implements MigrationInterface {
  name = 'CreateBookmarksAndPins1764230000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['bookmarks', 'status_pins']) {
      await queryRunner.query(
        `CREATE TABLE ${table} (
           id         bigint PRIMARY KEY DEFAULT snowflake_id(),
           account_id bigint      NOT NULL REFERENCES accounts ON DELETE CASCADE,
           status_id  bigint      NOT NULL REFERENCES statuses ON DELETE CASCADE,
           created_at timestamptz NOT NULL DEFAULT now(),
           UNIQUE (account_id, status_id)
         )`,
      );
      await queryRunner.query(
        `CREATE INDEX ${table}_account_id_idx ON ${table} (account_id, id DESC)`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE status_pins`);
    await queryRunner.query(`DROP TABLE bookmarks`);
  }
}
