import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Hashtags a member follows (`POST /api/v1/tags/:name/follow`, `GET /api/v1/followed_tags`). */
export class CreateTagFollows1764220000000 implements MigrationInterface {
  name = 'CreateTagFollows1764220000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE tag_follows (
         id         bigint PRIMARY KEY DEFAULT snowflake_id(),
         account_id bigint      NOT NULL REFERENCES accounts ON DELETE CASCADE,
         tag_id     bigint      NOT NULL REFERENCES tags ON DELETE CASCADE,
         created_at timestamptz NOT NULL DEFAULT now(),
         UNIQUE (account_id, tag_id)
       )`,
    );
    await queryRunner.query(
      `CREATE INDEX tag_follows_account_id_idx ON tag_follows (account_id, id DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE tag_follows`);
  }
}
