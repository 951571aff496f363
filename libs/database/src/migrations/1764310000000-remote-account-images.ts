import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Remote actors' avatar and header (their `icon` and `image`), referenced by URL as Mastodon's
 * `avatar_remote_url`/`header_remote_url`: clients load them from their origin, nothing is copied.
 */
export class RemoteAccountImages1764310000000 implements MigrationInterface {
  name = 'RemoteAccountImages1764310000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE accounts ADD COLUMN avatar_remote_url text, ADD COLUMN header_remote_url text`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE accounts DROP COLUMN header_remote_url, DROP COLUMN avatar_remote_url`,
    );
  }
}
