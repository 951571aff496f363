import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Profile metadata (Mastodon's `fields`: up to four name/value pairs, plain text for local
 * accounts), set through update_credentials' `fields_attributes`.
 */
export class AccountFields1764218000000 implements MigrationInterface {
  name = 'AccountFields1764218000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE accounts ADD COLUMN fields jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE accounts DROP COLUMN fields`);
  }
}
