import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Media attachments (Mastodon's MediaAttachment): uploads of members, processed into an original
 * and a small version in the media storage, and remote media referenced by `remote_url`. A status
 * deleted leaves its media unattached (Mastodon's delete-and-redraft reuses them); housekeeping
 * removes unattached media after a day. Accounts get the storage keys of their avatar and header.
 */
export class CreateMediaAttachments1764270000000 implements MigrationInterface {
  name = 'CreateMediaAttachments1764270000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE media_attachments (
         id               bigint PRIMARY KEY DEFAULT snowflake_id(),
         account_id       bigint      NOT NULL REFERENCES accounts ON DELETE CASCADE,
         status_id        bigint      REFERENCES statuses ON DELETE SET NULL,
         position         smallint    NOT NULL DEFAULT 0,
         type             text        NOT NULL CHECK (type IN ('image', 'gifv', 'video', 'audio', 'unknown')),
         processing       text        NOT NULL CHECK (processing IN ('processing', 'processed', 'failed', 'remote')),
         processing_error text,
         file_key         text,
         small_file_key   text,
         content_type     text,
         file_size        integer,
         width            integer,
         height           integer,
         small_width      integer,
         small_height     integer,
         focus_x          real        NOT NULL DEFAULT 0 CHECK (focus_x BETWEEN -1 AND 1),
         focus_y          real        NOT NULL DEFAULT 0 CHECK (focus_y BETWEEN -1 AND 1),
         blurhash         text,
         description      text        NOT NULL DEFAULT '',
         remote_url       text,
         created_at       timestamptz NOT NULL DEFAULT now(),
         updated_at       timestamptz NOT NULL DEFAULT now(),
         CHECK (remote_url IS NOT NULL OR processing <> 'remote')
       )`,
    );
    await queryRunner.query(
      `CREATE INDEX media_attachments_status_id_idx ON media_attachments (status_id, position)
        WHERE status_id IS NOT NULL`,
    );
    // Housekeeping's scan for old unattached uploads.
    await queryRunner.query(
      `CREATE INDEX media_attachments_unattached_idx ON media_attachments (created_at)
        WHERE status_id IS NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE accounts ADD COLUMN avatar_file_key text, ADD COLUMN header_file_key text`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE accounts DROP COLUMN header_file_key, DROP COLUMN avatar_file_key`,
    );
    await queryRunner.query(`DROP TABLE media_attachments`);
  }
}
